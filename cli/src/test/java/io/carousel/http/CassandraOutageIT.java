package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.offline.bench.cluster.SyntheticModel;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cassandra outage under load: a server in a child JVM on a {@link DedicatedCassandra} takes events
 * from {@link OutageLoad#WORKERS} clients; the node is stopped with the project's script for {@link
 * #OUTAGE}, then started again, while Carousel keeps running. During the outage every request must
 * answer 200 or 503 with a problem body (never 500, never later than the ask timeout plus slack),
 * {@code /health/ready} must turn 503, and a live user's slate is served from the node's slate
 * cache (not logged). After Cassandra is back, every user must accept events again within {@link
 * #RECOVERY_BOUND} without restarting Carousel, and every event that got a 2xx must be in its
 * user's state exactly once (then unacknowledged events are resent: counts become exact).
 */
class CassandraOutageIT {
  private static final Duration OUTAGE = Duration.ofSeconds(15);
  private static final Duration RECOVERY_BOUND = Duration.ofSeconds(120);
  private static final long ASK_TIMEOUT_MS = 3_000;
  private static final long LATENCY_SLACK_MS = 2_000;

  @Test
  @Timeout(value = 12, unit = TimeUnit.MINUTES)
  void answers503DuringOutageAndRecoversWithoutRestart(@TempDir Path dir) throws Exception {
    DedicatedCassandra cassandra = new DedicatedCassandra();
    cassandra.start();
    Path model = SyntheticModel.create(dir);
    List<String> jvmArgs =
        List.of("-Dcarousel.cassandra.contact-point=" + cassandra.contactPoint());
    String run = "outage-" + UUID.randomUUID().toString().substring(0, 8);
    String liveUser = run + "-live";
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    try (ChildNode node =
        ChildNode.start(
            "cassandra", dir.resolve("data"), model, dir.resolve("child.log"), jvmArgs)) {
      long t0 = Instant.now().minus(Duration.ofHours(1)).toEpochMilli();
      OutageLoad load = new OutageLoad(http, node.base(), run, t0);
      assertEquals(200, load.post(load.body(liveUser, run + "-live-e0", 1)).status());
      assertEquals(200, load.getSlate(liveUser).status(), "a slate before the outage");
      load.start();
      Thread.sleep(5_000);
      long stopAt = System.nanoTime();
      cassandra.stop();
      long downAt = System.nanoTime();
      Thread.sleep(OUTAGE.toMillis());
      cassandra.start();
      long backAt = System.nanoTime();
      long deadline = backAt + RECOVERY_BOUND.toNanos();
      while (!load.everyUserAckedSince(backAt) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      long recoveredAt = System.nanoTime();
      load.stop();
      long readyAgainAt = awaitReady(load, deadline);

      String figures =
          String.format(
              Locale.ROOT,
              "OUTAGE-TEST requests=%d ok=%d status503=%d other=%s client_errors=%d"
                  + " max_latency_ms=%d (ask timeout %d) events_attempted=%d acked=%d"
                  + " ready_503_seen=%b slates_cached=%d slates_503=%d slates_other=%s"
                  + " stop_script_s=%.1f outage_s=%.1f first_ack_after_cql_back_s=%.1f"
                  + " all_users_ack_after_cql_back_s=%.1f ready_after_cql_back_s=%.1f",
              load.requests(),
              load.count(200),
              load.count(503),
              load.otherStatuses(),
              load.clientErrors(),
              load.maxLatencyMs(),
              ASK_TIMEOUT_MS,
              load.attempted(),
              load.acked(),
              load.readiness503Between(stopAt, backAt),
              load.cachedSlates(),
              load.slate503(),
              load.slateOtherStatuses(),
              (downAt - stopAt) / 1e9,
              (backAt - downAt) / 1e9,
              load.firstAckSince(backAt) < 0 ? -1 : (load.firstAckSince(backAt) - backAt) / 1e9,
              (recoveredAt - backAt) / 1e9,
              (readyAgainAt - backAt) / 1e9);
      System.out.println(figures);
      Files.writeString(Path.of("target", "outage-test.txt"), figures + System.lineSeparator());

      assertEquals(0, load.clientErrors(), "no request hung or failed at the client: " + figures);
      assertTrue(load.otherStatuses().isEmpty(), "only 200 and 503: " + figures);
      assertTrue(load.count(503) > 0, "the outage was seen: " + figures);
      assertTrue(load.problemBodiesOk(), "every 503 has a problem+json body: " + figures);
      assertTrue(load.maxLatencyMs() <= ASK_TIMEOUT_MS + LATENCY_SLACK_MS, figures);
      assertTrue(load.readiness503Between(stopAt, backAt), "/health/ready turned 503: " + figures);
      assertTrue(load.everyUserAckedSince(backAt), "every user accepts again: " + figures);
      assertTrue(readyAgainAt <= deadline, "/health/ready is 200 again: " + figures);
      assertTrue(load.slateOtherStatuses().isEmpty(), "slates 200 or 503 only: " + figures);
      assertTrue(load.cachedSlates() > 0, "the live user's slate came from the cache: " + figures);

      load.verifyExactlyOnce();
    } finally {
      cassandra.stop();
    }
  }

  private static long awaitReady(OutageLoad load, long deadline) throws Exception {
    while (System.nanoTime() < deadline) {
      if (load.ready() == 200) {
        return System.nanoTime();
      }
      Thread.sleep(200);
    }
    return Long.MAX_VALUE;
  }
}
