package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.offline.bench.cluster.SyntheticModel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The load of {@link CassandraOutageIT}: {@link #WORKERS} threads post events for {@link #USERS}
 * users (each event once, unique ids, at most {@link #PER_USER} per user, inside the idempotency
 * window); one thread polls {@code /health/ready} and one a live user's slate. Records every status
 * and latency; {@link #verifyExactlyOnce()} checks the users' state afterwards.
 */
final class OutageLoad {
  static final int WORKERS = 8;
  static final int USERS = 60;
  static final int PER_USER = 240;
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(15);
  private static final int NOT_SENT = 0;
  private static final int ACKED = 2;
  private static final int FAILED = 3;

  /** A response as the client saw it. */
  record Outcome(int status, long latencyMs, String body, String slateLogged) {}

  private final HttpClient http;
  private final String base;
  private final String run;
  private final long t0;
  private final AtomicBoolean running = new AtomicBoolean();
  private final ExecutorService pool = Executors.newFixedThreadPool(WORKERS + 2);
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicIntegerArray state = new AtomicIntegerArray(USERS * PER_USER);
  private final AtomicLongArray lastAckStart = new AtomicLongArray(USERS);
  private final java.util.Queue<Long> ackStarts =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
  private final AtomicLong maxLatency = new AtomicLong();
  private final AtomicInteger clientErrors = new AtomicInteger();
  private final AtomicBoolean problemBodies = new AtomicBoolean(true);
  private final List<long[]> readiness = java.util.Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger cachedSlates = new AtomicInteger();
  private final AtomicInteger slate503 = new AtomicInteger();
  private final Map<Integer, Integer> slateOther = new ConcurrentHashMap<>();
  private final String liveUser;

  OutageLoad(HttpClient http, String base, String run, long t0) {
    this.http = http;
    this.base = base;
    this.run = run;
    this.t0 = t0;
    this.liveUser = run + "-live";
  }

  /** Starts the workers and the two pollers. */
  void start() {
    running.set(true);
    for (int w = 0; w < WORKERS; w++) {
      pool.submit(this::postLoop);
    }
    pool.submit(this::readinessLoop);
    pool.submit(this::slateLoop);
  }

  /** Stops every thread and waits for in-flight requests (bounded by the client timeout). */
  void stop() throws InterruptedException {
    running.set(false);
    pool.shutdown();
    assertTrue(pool.awaitTermination(CLIENT_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS));
  }

  private void postLoop() {
    while (running.get()) {
      int i = next.getAndIncrement();
      if (i >= state.length()) {
        return;
      }
      int u = i % USERS;
      long start = System.nanoTime();
      Outcome o = post(body(user(u), eventId(i), i));
      record(o);
      if (o.status() == 200) {
        state.set(i, ACKED);
        lastAckStart.accumulateAndGet(u, start, Math::max);
        ackStarts.add(start);
      } else {
        state.set(i, FAILED);
      }
      pause(20);
    }
  }

  private void readinessLoop() {
    while (running.get()) {
      long t = System.nanoTime();
      readiness.add(new long[] {t, ready()});
      pause(500);
    }
  }

  private void slateLoop() {
    while (running.get()) {
      Outcome o = getSlate(liveUser);
      record(o);
      if (o.status() == 200 && "false".equals(o.slateLogged())) {
        cachedSlates.incrementAndGet();
      } else if (o.status() == 503) {
        slate503.incrementAndGet();
      } else if (o.status() != 200) {
        slateOther.merge(o.status(), 1, Integer::sum);
      }
      pause(500);
    }
  }

  private void record(Outcome o) {
    maxLatency.accumulateAndGet(o.latencyMs(), Math::max);
    if (o.status() < 0) {
      clientErrors.incrementAndGet();
      return;
    }
    statuses.computeIfAbsent(o.status(), s -> new AtomicInteger()).incrementAndGet();
    if (o.status() == 503 && !o.body().contains("\"status\":503")) {
      problemBodies.set(false);
    }
  }

  String body(String userId, String eventId, int i) {
    return String.format(
        Locale.ROOT,
        "{\"eventId\":\"%s\",\"userId\":\"%s\",\"itemId\":\"item-%d\",\"type\":\"click\","
            + "\"timestamp\":%d}",
        eventId,
        userId,
        i % SyntheticModel.ITEMS,
        t0 + i);
  }

  private String user(int u) {
    return run + "-u" + u;
  }

  private String eventId(int i) {
    return run + "-e" + i;
  }

  /** Posts one event; status -1 when the client failed (connection, 15 s timeout). */
  Outcome post(String body) {
    return send(
        HttpRequest.newBuilder(URI.create(base + "/v1/events"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** Asks for a slate of 3 for {@code userId}. */
  Outcome getSlate(String userId) {
    return send(
        HttpRequest.newBuilder(URI.create(base + "/v1/users/" + userId + "/recommendations?k=3")));
  }

  /** Returns the status of {@code /health/ready} (-1 on a client failure). */
  int ready() {
    return send(HttpRequest.newBuilder(URI.create(base + "/health/ready"))).status();
  }

  private Outcome send(HttpRequest.Builder b) {
    long start = System.nanoTime();
    try {
      HttpResponse<String> r =
          http.send(b.timeout(CLIENT_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
      return new Outcome(
          r.statusCode(),
          (System.nanoTime() - start) / 1_000_000,
          r.body(),
          r.headers().firstValue(io.carousel.http.slates.UserRoutes.SLATE_LOGGED).orElse(null));
    } catch (IOException e) {
      return new Outcome(-1, (System.nanoTime() - start) / 1_000_000, e.toString(), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(-1, (System.nanoTime() - start) / 1_000_000, "interrupted", null);
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Returns whether every user had an event acknowledged that was sent after {@code nanos}. */
  boolean everyUserAckedSince(long nanos) {
    for (int u = 0; u < USERS; u++) {
      if (lastAckStart.get(u) < nanos) {
        return false;
      }
    }
    return true;
  }

  /** Returns the send time of the first acknowledged event sent after {@code nanos}, or -1. */
  long firstAckSince(long nanos) {
    return ackStarts.stream().filter(t -> t >= nanos).mapToLong(Long::longValue).min().orElse(-1);
  }

  /** Returns whether {@code /health/ready} answered 503 between the two times. */
  boolean readiness503Between(long from, long to) {
    synchronized (readiness) {
      return readiness.stream().anyMatch(r -> r[0] >= from && r[0] <= to && r[1] == 503);
    }
  }

  /**
   * Checks each user's event count: at least its acknowledged events (none lost), at most its
   * attempted ones; then resends every unacknowledged event and expects exactly the attempted count
   * (each event once).
   */
  void verifyExactlyOnce() throws Exception {
    int sent = Math.min(next.get(), state.length());
    for (int u = 0; u < USERS; u++) {
      long acked = 0;
      long attempted = 0;
      for (int i = u; i < sent; i += USERS) {
        attempted++;
        acked += state.get(i) == ACKED ? 1 : 0;
      }
      long count = eventCount(user(u));
      assertTrue(count >= acked, "user " + u + ": " + count + " events, " + acked + " acked");
      assertTrue(count <= attempted, "user " + u + ": " + count + " > attempted " + attempted);
    }
    for (int i = 0; i < sent; i++) {
      if (state.get(i) != ACKED) {
        Outcome o = post(body(user(i % USERS), eventId(i), i));
        assertEquals(200, o.status(), o.body());
      }
    }
    for (int u = 0; u < USERS; u++) {
      long attempted = (sent - u + USERS - 1) / USERS;
      assertEquals(attempted, eventCount(user(u)), "user " + u + " after resending");
    }
  }

  private long eventCount(String userId) throws Exception {
    Outcome o = send(HttpRequest.newBuilder(URI.create(base + "/v1/users/" + userId)));
    assertEquals(200, o.status(), o.body());
    return Json.MAPPER.readTree(o.body()).get("eventCount").asLong();
  }

  int requests() {
    return statuses.values().stream().mapToInt(AtomicInteger::get).sum() + clientErrors.get();
  }

  int count(int status) {
    AtomicInteger c = statuses.get(status);
    return c == null ? 0 : c.get();
  }

  Map<Integer, Integer> otherStatuses() {
    Map<Integer, Integer> other = new TreeMap<>();
    statuses.forEach(
        (s, c) -> {
          if (s != 200 && s != 503) {
            other.put(s, c.get());
          }
        });
    return other;
  }

  int clientErrors() {
    return clientErrors.get();
  }

  long maxLatencyMs() {
    return maxLatency.get();
  }

  boolean problemBodiesOk() {
    return problemBodies.get();
  }

  int attempted() {
    return Math.min(next.get(), state.length());
  }

  int acked() {
    int n = 0;
    for (int i = 0; i < state.length(); i++) {
      n += state.get(i) == ACKED ? 1 : 0;
    }
    return n;
  }

  int cachedSlates() {
    return cachedSlates.get();
  }

  int slate503() {
    return slate503.get();
  }

  Map<Integer, Integer> slateOtherStatuses() {
    return slateOther;
  }
}
