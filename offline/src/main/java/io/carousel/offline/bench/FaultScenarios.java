package io.carousel.offline.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hostile-client scenarios against a running Carousel, each returning its figures (the plumbing is
 * {@link ServerHttp} and {@link RawConnections}): retries of large batches and of concurrent single
 * events (double counts), a WebSocket storm on one user (process alive, admitted/refused), a slow
 * reader (stale slates delivered after it reads again), a crawler of unknown user ids, idle TCP
 * connections (latency of a new client), and slowloris clients trickling their headers (closed by
 * the server's header timeout?).
 *
 * <p>Every scenario uses fresh user ids (a run nonce), so it can run against a server that already
 * holds data. Figures, not assertions: the caller prints them as one JSON line.
 */
final class FaultScenarios {
  /** The server under test, through one HTTP/1.1 client ({@link FaultsBench} reads it too). */
  final ServerHttp server;

  private final URI base;
  private final String run;
  private final List<String> items;
  private final HttpClient http;
  private final long t0 = Instant.now().minus(Duration.ofHours(1)).toEpochMilli();

  FaultScenarios(URI base, String run) throws IOException, InterruptedException {
    this.base = base;
    this.run = run;
    this.server = new ServerHttp(base);
    this.http = server.http;
    this.items = server.catalogueSample(200);
  }

  /** Returns one event line for {@code user}: a click on a catalogue item, event id {@code id}. */
  String eventLine(String user, String id, int i) {
    return String.format(
        "{\"eventId\":\"%s\",\"userId\":\"%s\",\"itemId\":\"%s\",\"type\":\"click\","
            + "\"timestamp\":\"%s\"}",
        id, user, items.get(i % items.size()), Instant.ofEpochMilli(t0 + i * 10L));
  }

  /**
   * POSTs an {@code n}-line NDJSON batch for one new user, then the identical body again (a client
   * retry).
   */
  Map<String, Object> retryBatch(int n) throws IOException, InterruptedException {
    String user = run + "-batch";
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < n; i++) {
      body.append(eventLine(user, user + "-e" + i, i)).append('\n');
    }
    int first = server.postNdjson(body.toString());
    int second = server.postNdjson(body.toString());
    long count = server.eventCount(user);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("lines", n);
    out.put("first_status", first);
    out.put("retry_status", second);
    out.put("event_count", count);
    out.put("double_counts", Math.max(0, count - n));
    out.put("lost", Math.max(0, n - count));
    return out;
  }

  /**
   * Sends {@code n} single events for one new user from {@code n} concurrent requests, retries
   * every one that did not get a 2xx until it does (at most 5 rounds), then resends all of them
   * once more, as a client that retries after a lost response would.
   */
  Map<String, Object> retryConcurrent(int n) throws InterruptedException {
    String user = run + "-concurrent";
    List<String> bodies = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      bodies.add(eventLine(user, user + "-e" + i, i));
    }
    int[] status = server.sendAll(bodies);
    int non2xx = 0;
    int answered5xx = 0;
    for (int s : status) {
      non2xx += s / 100 == 2 ? 0 : 1;
      answered5xx += s / 100 == 5 ? 1 : 0;
    }
    int rounds = 0;
    while (rounds < 5 && pendingCount(status) > 0) {
      rounds++;
      List<Integer> idx = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (status[i] / 100 != 2) {
          idx.add(i);
        }
      }
      int[] again = server.sendAll(idx.stream().map(bodies::get).toList());
      for (int j = 0; j < idx.size(); j++) {
        status[idx.get(j)] = again[j];
      }
    }
    server.sendAll(bodies); // a blind retry of everything
    long count;
    try {
      count = server.eventCount(user);
    } catch (IOException e) {
      count = -1;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("writers", n);
    out.put("first_round_non_2xx", non2xx);
    out.put("first_round_5xx", answered5xx);
    out.put("retry_rounds", rounds);
    out.put("still_unacknowledged", pendingCount(status));
    out.put("event_count", count);
    out.put("double_counts", Math.max(0, count - n));
    return out;
  }

  private static int pendingCount(int[] status) {
    int p = 0;
    for (int s : status) {
      p += s / 100 == 2 ? 0 : 1;
    }
    return p;
  }

  /**
   * Opens {@code n} WebSockets to one new user at once; counts those admitted, refused before the
   * upgrade (by status) and failed otherwise, and those that got a first slate within 10 s.
   */
  Map<String, Object> socketStorm(int n, boolean oneUser) throws InterruptedException {
    AtomicInteger slated = new AtomicInteger();
    Map<Integer, AtomicInteger> refusedByStatus = new ConcurrentHashMap<>();
    AtomicInteger failed = new AtomicInteger();
    List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
    ConcurrentHashMap<WebSocket, Boolean> gotSlate = new ConcurrentHashMap<>();
    for (int i = 0; i < n; i++) {
      String user = oneUser ? run + "-storm" : run + "-storm-" + i;
      URI ws =
          URI.create("ws://" + base.getHost() + ":" + base.getPort())
              .resolve("/v1/users/" + user + "/stream?k=5");
      opening.add(
          http.newWebSocketBuilder()
              .connectTimeout(Duration.ofSeconds(10))
              .buildAsync(
                  ws,
                  new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(
                        WebSocket socket, CharSequence data, boolean last) {
                      if (last && gotSlate.putIfAbsent(socket, Boolean.TRUE) == null) {
                        slated.incrementAndGet();
                      }
                      socket.request(1);
                      return null;
                    }
                  }));
    }
    List<WebSocket> open = new ArrayList<>();
    for (CompletableFuture<WebSocket> f : opening) {
      try {
        open.add(f.get(30, TimeUnit.SECONDS));
      } catch (Exception e) {
        Throwable cause = e.getCause();
        while (cause != null && !(cause instanceof WebSocketHandshakeException)) {
          cause = cause.getCause();
        }
        if (cause instanceof WebSocketHandshakeException h) {
          refusedByStatus
              .computeIfAbsent(h.getResponse().statusCode(), s -> new AtomicInteger())
              .incrementAndGet();
        } else {
          failed.incrementAndGet();
        }
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (slated.get() < open.size() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    boolean alive = server.healthAlive();
    for (WebSocket ws : open) {
      ws.abort();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("sockets", n);
    out.put("admitted", open.size());
    Map<String, Integer> refused = new LinkedHashMap<>();
    refusedByStatus.forEach((s, c) -> refused.put(Integer.toString(s), c.get()));
    out.put("refused_by_status", refused);
    out.put("failed_otherwise", failed.get());
    out.put("admitted_with_slate", slated.get());
    out.put("process_alive", alive);
    return out;
  }

  /**
   * A subscriber with a 4 KB receive buffer stops reading while {@code events} events are posted
   * for its user one at a time; then it reads everything. Counts the slates it receives after
   * resuming (the first slate, sent on subscribe, is read before it stalls).
   */
  Map<String, Object> slowReader(int events) throws IOException, InterruptedException {
    String user = run + "-slow";
    server.postJson(eventLine(user, user + "-warm", 0)); // a known user with a personal slate
    URI stream = base.resolve("/v1/users/" + user + "/stream?k=100");
    Map<String, Object> out = new LinkedHashMap<>();
    try (RawWebSocket ws = RawWebSocket.open(stream, 4096)) {
      if (ws == null) {
        out.put("error", "upgrade refused");
        return out;
      }
      RawWebSocket.Drained first = ws.drain(2_000);
      int acked = 0;
      for (int i = 1; i <= events; i++) {
        acked += server.postJson(eventLine(user, user + "-e" + i, i)) / 100 == 2 ? 1 : 0;
      }
      Thread.sleep(2_000); // let every event-triggered slate reach the connection
      RawWebSocket.Drained after = ws.drain(3_000);
      out.put("events_posted", events);
      out.put("events_acknowledged", acked);
      out.put("slates_before_stall", first.frames());
      out.put("slates_after_resume", after.frames());
      out.put("stale_slates_delivered", Math.max(0, after.frames() - 1));
      out.put("bytes_after_resume", after.bytes());
      out.put("closed_by_server", after.closed());
    }
    return out;
  }

  /** GETs slates for {@code n} never-seen user ids, as a crawler or a refresh loop would. */
  Map<String, Object> crawler(int n) throws InterruptedException {
    int ok = 0;
    int other = 0;
    for (int i = 0; i < n; i++) {
      try {
        HttpResponse<Void> r =
            http.send(
                server.get("/v1/users/" + run + "-crawl-" + i + "/recommendations?k=10"),
                HttpResponse.BodyHandlers.discarding());
        ok += r.statusCode() == 200 ? 1 : 0;
        other += r.statusCode() == 200 ? 0 : 1;
      } catch (IOException e) {
        other++;
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("requests", n);
    out.put("answered_200", ok);
    out.put("answered_otherwise", other);
    return out;
  }

  /**
   * Opens {@code n} TCP connections that send nothing, then times a new client's {@code
   * /health/alive} (10 s limit) while they are open, and again after they are closed.
   */
  Map<String, Object> idleConnections(int n) throws InterruptedException {
    Map<String, Object> out = new LinkedHashMap<>();
    try (RawConnections idle = RawConnections.open(base, n, "")) {
      Thread.sleep(500);
      out.put("idle_connections", idle.size());
      out.put("new_client_while_idle", server.timedHealth());
    }
    Thread.sleep(500);
    out.put("new_client_after", server.timedHealth());
    return out;
  }

  /**
   * Opens {@code n} connections that send a request line and then one header byte a second (each
   * byte within any idle timeout), times a new client's {@code /health/alive} while they trickle,
   * and waits up to 60 s for the server to close them: how many it answered 408, how many it
   * closed, and when the last was closed.
   */
  Map<String, Object> slowloris(int n) throws InterruptedException {
    Map<String, Object> out = new LinkedHashMap<>();
    try (RawConnections slow =
        RawConnections.open(base, n, "GET /health/alive HTTP/1.1\r\nHost: x\r\nX-Slow: ")) {
      long start = System.nanoTime();
      out.put("slow_connections", slow.size());
      Thread writer = slow.trickle();
      Thread.sleep(500);
      out.put("new_client_while_trickling", server.timedHealth());
      RawConnections.Closures c = slow.awaitClosedByServer(start, Duration.ofSeconds(60));
      writer.interrupt();
      out.put("answered_408", c.answered408());
      out.put("closed_by_server_within_60s", c.closed());
      out.put("last_closed_ms", c.lastClosedMs());
    }
    Thread.sleep(500);
    out.put("new_client_after", server.timedHealth());
    return out;
  }

  /**
   * POSTs {@code n} events in NDJSON batches of 1,000 over {@code users} new users.
   *
   * @return the events acknowledged and the mean UTF-8 bytes of an event line (its payload)
   */
  long[] load(int n, int users) throws IOException, InterruptedException {
    long acked = 0;
    long bytes = 0;
    for (int start = 0; start < n; start += 1000) {
      StringBuilder body = new StringBuilder();
      for (int i = start; i < Math.min(n, start + 1000); i++) {
        String line = eventLine(run + "-load-" + (i % users), run + "-load-e" + i, i);
        bytes += line.getBytes(StandardCharsets.UTF_8).length;
        body.append(line).append('\n');
      }
      // A 503 names the lines that are durable; the rest are retried with the same ids, as a
      // client should (a server without exactly-once counts such retries twice).
      for (int attempt = 0; attempt < 10; attempt++) {
        if (server.postNdjson(body.toString()) / 100 == 2) {
          acked += Math.min(n, start + 1000) - start;
          break;
        }
      }
    }
    return new long[] {acked, n == 0 ? 0 : bytes / n};
  }

  /** GETs {@code n} slates of the users {@link #load} wrote to. */
  int reads(int n, int users) throws InterruptedException {
    int ok = 0;
    for (int i = 0; i < n; i++) {
      try {
        ok +=
            http.send(
                            server.get(
                                "/v1/users/"
                                    + run
                                    + "-load-"
                                    + (i % users)
                                    + "/recommendations?k=10"),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                    == 200
                ? 1
                : 0;
      } catch (IOException e) {
        // counted as not ok
      }
    }
    return ok;
  }
}
