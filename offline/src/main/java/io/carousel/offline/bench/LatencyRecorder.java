package io.carousel.offline.bench;

import org.HdrHistogram.Histogram;

/**
 * Latencies of one load phase, corrected for coordinated omission: in an open loop each request has
 * an intended start on a fixed schedule, and its latency is counted from that intended start, not
 * from when the client managed to send it. A server that stalls therefore shows the stall in every
 * request that should have been sent during it, instead of in one slow sample (the client that
 * waits on a stalled server stops sending, and its own clock hides the queue it caused).
 *
 * <p>The uncorrected service time (from the actual send) is kept next to it, so the report can show
 * how much of the tail is queueing. Thread-safe: responses complete on the client's threads.
 */
public final class LatencyRecorder {
  /** Highest latency tracked, 60 s in microseconds; longer ones are clamped. */
  private static final long MAX_MICROS = 60_000_000L;

  private final Histogram corrected = new Histogram(MAX_MICROS, 3);
  private final Histogram service = new Histogram(MAX_MICROS, 3);
  private long ok;
  private long errors;

  /**
   * Returns the intended start (ns) of request {@code i} of an open loop that began at {@code
   * startNanos} and offers {@code ratePerSecond} requests per second.
   */
  public static long intendedStart(long startNanos, long i, double ratePerSecond) {
    return startNanos + (long) (i * (1e9 / ratePerSecond));
  }

  /**
   * Records one request: its latency is {@code endNanos - intendedNanos} (coordinated-omission
   * corrected) and its service time {@code endNanos - sentNanos}. In a closed loop pass the send
   * time as the intended start: there is no schedule to fall behind.
   *
   * @param success false for a transport error or a status that is not 2xx
   */
  public synchronized void record(
      long intendedNanos, long sentNanos, long endNanos, boolean success) {
    corrected.recordValue(clamp((endNanos - intendedNanos) / 1_000));
    service.recordValue(clamp((endNanos - sentNanos) / 1_000));
    if (success) {
      ok++;
    } else {
      errors++;
    }
  }

  private static long clamp(long micros) {
    return Math.max(0, Math.min(MAX_MICROS, micros));
  }

  /** Returns the corrected latency at {@code percentile} (0–100), in milliseconds. */
  public synchronized double correctedMs(double percentile) {
    return corrected.getValueAtPercentile(percentile) / 1_000.0;
  }

  /** Returns the uncorrected service time at {@code percentile} (0–100), in milliseconds. */
  public synchronized double serviceMs(double percentile) {
    return service.getValueAtPercentile(percentile) / 1_000.0;
  }

  /** Returns the number of 2xx responses. */
  public synchronized long ok() {
    return ok;
  }

  /** Returns the number of failed requests (transport error or non-2xx). */
  public synchronized long errors() {
    return errors;
  }
}
