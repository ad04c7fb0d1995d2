package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.carousel.offline.bench.cluster.SyntheticModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Throughput benchmark (a measurement, no timed assertion; runs only with {@code
 * -Dcarousel.bench=true}): durable events/s of a Carousel server in a child JVM on H2 and on
 * Cassandra, over HTTP with {@link #CONCURRENCY} clients, next to the raw insert rate of the same
 * Cassandra through the DataStax driver (prepared single-row inserts, same concurrency) in the same
 * run. Prints a table and writes it to {@code target/throughput.md}.
 */
class ThroughputBenchIT {
  private static final int EVENTS = Integer.getInteger("carousel.bench.events", 6_000);
  private static final int WARM_UP = 500;
  private static final int USERS = 500;
  private static final int CONCURRENCY = Integer.getInteger("carousel.bench.concurrency", 64);
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void measuresDurableEventsPerSecond(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(Boolean.getBoolean("carousel.bench"), "set -Dcarousel.bench=true");
    CassandraNode.ensureRunning();
    Path model = SyntheticModel.create(dir);
    double raw = rawInsertsPerSecond(CassandraNode.session());
    double h2 = carouselEventsPerSecond("embedded", dir.resolve("h2"), model, List.of());
    double cassandra =
        carouselEventsPerSecond(
            "cassandra",
            dir.resolve("cassandra"),
            model,
            List.of("-Dcarousel.cassandra.contact-point=" + CassandraNode.CONTACT_POINT));
    String table =
        String.format(
            Locale.ROOT,
            "| journal | events/s | share of raw Cassandra inserts |%n|---|---|---|%n"
                + "| raw DataStax driver insert, same Cassandra | %.0f | 1.00 |%n"
                + "| Carousel on Cassandra (HTTP, durable) | %.0f | %.2f |%n"
                + "| Carousel on embedded H2 (HTTP, durable) | %.0f | %.2f |%n"
                + "(%d events after %d warm-up, %d users, concurrency %d, server, Cassandra and"
                + " load generator on the same machine)%n",
            raw,
            cassandra,
            cassandra / raw,
            h2,
            h2 / raw,
            EVENTS,
            WARM_UP,
            USERS,
            CONCURRENCY);
    System.out.print(table);
    Files.writeString(Path.of("target", "throughput.md"), table);
  }

  private static double rawInsertsPerSecond(CqlSession session) throws Exception {
    session.execute(
        "CREATE KEYSPACE IF NOT EXISTS carousel_bench WITH REPLICATION ="
            + " {'class': 'SimpleStrategy', 'replication_factor': 1}");
    session.execute(
        "CREATE TABLE IF NOT EXISTS carousel_bench.raw_events"
            + " (pid text, seq bigint, payload blob, PRIMARY KEY (pid, seq))");
    PreparedStatement insert =
        session.prepare(
            "INSERT INTO carousel_bench.raw_events (pid, seq, payload) VALUES (?, ?, ?)");
    String run = UUID.randomUUID().toString();
    ByteBuffer payload = ByteBuffer.wrap(new byte[200]);
    Semaphore permits = new Semaphore(CONCURRENCY);
    long start = 0;
    for (int i = 0; i < WARM_UP + EVENTS; i++) {
      if (i == WARM_UP) {
        permits.acquire(CONCURRENCY);
        permits.release(CONCURRENCY);
        start = System.nanoTime();
      }
      permits.acquire();
      session
          .executeAsync(insert.bind(run + "-" + (i % USERS), (long) i, payload.duplicate()))
          .whenComplete((r, e) -> permits.release());
    }
    permits.acquire(CONCURRENCY);
    return EVENTS / ((System.nanoTime() - start) / 1e9);
  }

  private double carouselEventsPerSecond(
      String persistence, Path dataDir, Path model, List<String> jvmArgs) throws Exception {
    Files.createDirectories(dataDir);
    String run = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    long t0 = System.currentTimeMillis() - Duration.ofDays(1).toMillis();
    try (ChildNode node =
        ChildNode.start(persistence, dataDir, model, dataDir.resolve("child.log"), jvmArgs)) {
      Semaphore permits = new Semaphore(CONCURRENCY);
      AtomicInteger failed = new AtomicInteger();
      long start = 0;
      for (int i = 0; i < WARM_UP + EVENTS; i++) {
        if (i == WARM_UP) {
          permits.acquire(CONCURRENCY);
          permits.release(CONCURRENCY);
          start = System.nanoTime();
        }
        permits.acquire();
        String body =
            String.format(
                Locale.ROOT,
                "{\"eventId\":\"%s-%d\",\"userId\":\"%s-u%d\",\"itemId\":\"item-%d\","
                    + "\"type\":\"view\",\"timestamp\":%d}",
                run,
                i,
                run,
                i % USERS,
                i % SyntheticModel.ITEMS,
                t0 + i);
        post(node.base(), body)
            .whenComplete(
                (status, e) -> {
                  if (e != null || status != 200) {
                    failed.incrementAndGet();
                  }
                  permits.release();
                });
      }
      permits.acquire(CONCURRENCY);
      double perSecond = EVENTS / ((System.nanoTime() - start) / 1e9);
      assertEquals(0, failed.get(), "every event acknowledged");
      return perSecond;
    }
  }

  private CompletableFuture<Integer> post(String base, String body) {
    return http.sendAsync(
            HttpRequest.newBuilder(URI.create(base + "/v1/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .thenApply(HttpResponse::statusCode);
  }
}
