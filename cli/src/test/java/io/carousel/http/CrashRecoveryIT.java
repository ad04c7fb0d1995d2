package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.offline.bench.cluster.SyntheticModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash test: a real server in a child JVM (real journal, real TensorFlow model) takes {@link #N}
 * events from {@link #CONCURRENCY} concurrent HTTP clients, is killed with SIGKILL once half of
 * them were acknowledged, and is restarted on the same data. Every event that got a 2xx must be in
 * its user's state exactly once ({@code eventCount} per user; event ids are unique, so a count
 * above the acknowledged one can only come from events in flight at the kill, persisted without an
 * ack — allowed, counted apart). Then every unacknowledged event is resent with the same id: the
 * final count of each user must equal its number of distinct events.
 */
class CrashRecoveryIT {
  private static final int N = 6_000;
  private static final int USERS = 300;
  private static final int CONCURRENCY = 32;
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private static final int NOT_SENT = 0;
  private static final int IN_FLIGHT = 1;
  private static final int ACKED = 2;
  private static final int FAILED = 3;

  @TempDir static Path shared;
  private static Path model;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  @BeforeAll
  static void trainModel() throws Exception {
    model = SyntheticModel.create(shared);
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void embeddedJournalKeepsEveryAcknowledgedEventAfterKill9(@TempDir Path dataDir)
      throws Exception {
    assertExactlyOnceAcrossKill("embedded", dataDir, List.of());
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void cassandraJournalKeepsEveryAcknowledgedEventAfterKill9(@TempDir Path dataDir)
      throws Exception {
    CassandraNode.ensureRunning();
    assertExactlyOnceAcrossKill(
        "cassandra",
        dataDir,
        List.of("-Dcarousel.cassandra.contact-point=" + CassandraNode.CONTACT_POINT));
  }

  private void assertExactlyOnceAcrossKill(String persistence, Path dataDir, List<String> jvmArgs)
      throws Exception {
    String run = "crash-" + UUID.randomUUID().toString().substring(0, 8);
    long t0 = Instant.now().minus(Duration.ofDays(1)).toEpochMilli();
    List<String> bodies = new ArrayList<>(N);
    for (int i = 0; i < N; i++) {
      bodies.add(
          String.format(
              Locale.ROOT,
              "{\"eventId\":\"%s-e%d\",\"userId\":\"%s\",\"itemId\":\"item-%d\","
                  + "\"type\":\"click\",\"timestamp\":%d}",
              run,
              i,
              user(run, i),
              i % SyntheticModel.ITEMS,
              t0 + i));
    }
    AtomicIntegerArray state = new AtomicIntegerArray(N);
    Path log = dataDir.resolve("child.log");
    long start = System.nanoTime();
    ChildNode first = ChildNode.start(persistence, dataDir, model, log, jvmArgs);
    AtomicInteger acked = new AtomicInteger();
    AtomicBoolean killed = new AtomicBoolean(false);
    Semaphore permits = new Semaphore(CONCURRENCY);
    for (int i = 0; i < N && !killed.get(); i++) {
      permits.acquire();
      if (killed.get()) {
        permits.release();
        break;
      }
      int idx = i;
      state.set(idx, IN_FLIGHT);
      post(first.base(), bodies.get(idx))
          .whenComplete(
              (status, failure) -> {
                boolean ok = failure == null && status / 100 == 2;
                state.set(idx, ok ? ACKED : FAILED);
                if (ok && acked.incrementAndGet() == N / 2 && killed.compareAndSet(false, true)) {
                  killNow(first);
                }
                permits.release();
              });
    }
    permits.acquire(CONCURRENCY); // every request answered or failed
    permits.release(CONCURRENCY);
    double loadSeconds = (System.nanoTime() - start) / 1e9;
    assertTrue(killed.get(), "the server was killed mid-stream");

    try (ChildNode second = ChildNode.start(persistence, dataDir, model, log, jvmArgs)) {
      long recovered = 0;
      long lost = 0;
      long withoutAck = 0;
      long duplicated = 0;
      int acknowledged = 0;
      int failedOrInFlight = 0;
      for (int u = 0; u < USERS; u++) {
        int a = 0;
        int f = 0;
        for (int i = u; i < N; i += USERS) {
          a += state.get(i) == ACKED ? 1 : 0;
          f += state.get(i) == FAILED ? 1 : 0;
        }
        long c = eventCount(second.base(), run + "-u" + u);
        recovered += Math.min(c, a);
        lost += Math.max(0, a - c);
        withoutAck += Math.max(0, Math.min(c - a, f));
        duplicated += Math.max(0, c - a - f);
        acknowledged += a;
        failedOrInFlight += f;
      }
      String figures =
          String.format(
              Locale.ROOT,
              "CRASH-TEST persistence=%s N=%d attempted=%d acknowledged=%d recovered=%d lost=%d"
                  + " duplicated=%d persisted_without_ack=%d failed_at_kill=%d load_s=%.1f",
              persistence,
              N,
              acknowledged + failedOrInFlight,
              acknowledged,
              recovered,
              lost,
              duplicated,
              withoutAck,
              failedOrInFlight,
              loadSeconds);
      System.out.println(figures);
      Files.writeString(
          Path.of("target", "crash-test-" + persistence + ".txt"),
          figures + System.lineSeparator());
      assertTrue(acknowledged >= N / 2, figures);
      assertEquals(acknowledged, recovered, figures);
      assertEquals(0, lost, figures);
      assertEquals(0, duplicated, figures);

      // Resend everything not acknowledged with the same ids: afterwards each user holds each of
      // its events exactly once, including those persisted without an ack before the kill.
      List<CompletableFuture<Integer>> resent = new ArrayList<>();
      for (int i = 0; i < N; i++) {
        if (state.get(i) != ACKED) {
          permits.acquire();
          resent.add(post(second.base(), bodies.get(i)).whenComplete((s, e) -> permits.release()));
        }
      }
      for (CompletableFuture<Integer> r : resent) {
        assertEquals(200, r.get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
      }
      for (int u = 0; u < USERS; u++) {
        assertEquals(N / USERS, eventCount(second.base(), run + "-u" + u), "user " + u);
      }
    }
  }

  private static String user(String run, int event) {
    return run + "-u" + (event % USERS);
  }

  private static void killNow(ChildNode node) {
    try {
      node.kill9();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private CompletableFuture<Integer> post(String base, String body) {
    return http.sendAsync(
            HttpRequest.newBuilder(URI.create(base + "/v1/events"))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .thenApply(HttpResponse::statusCode);
  }

  private long eventCount(String base, String userId) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/users/" + userId))
                .timeout(REQUEST_TIMEOUT)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return Json.MAPPER.readTree(r.body()).get("eventCount").asLong();
  }
}
