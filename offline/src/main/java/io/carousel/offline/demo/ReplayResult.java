package io.carousel.offline.demo;

import org.HdrHistogram.Histogram;

/**
 * What a replay measured.
 *
 * @param eventsReplayed events sent
 * @param eventsAcknowledged events answered 2xx (durable)
 * @param slatesRequested recommendation requests answered 200
 * @param carouselHits events whose item was in Carousel's slate served just before
 * @param popularityHits the same for the popularity baseline
 * @param hitTimeline per replayed event in order: bit 0 Carousel hit, bit 1 popularity hit
 * @param recoLatencyUs client-side recommendation latency, µs
 * @param freshnessUs event POST sent → next slate received on the WebSocket, µs
 * @param seconds wall time of the replay, s
 * @param duplicateItemSlates slates that contained an item twice (must be 0)
 * @param missedPushes events after which no WebSocket slate arrived in time
 */
public record ReplayResult(
    long eventsReplayed,
    long eventsAcknowledged,
    long slatesRequested,
    long carouselHits,
    long popularityHits,
    byte[] hitTimeline,
    Histogram recoLatencyUs,
    Histogram freshnessUs,
    double seconds,
    long duplicateItemSlates,
    long missedPushes) {

  /** Returns acknowledged events per second of replay wall time. */
  public double eventsPerSecond() {
    return seconds > 0 ? eventsAcknowledged / seconds : 0;
  }
}
