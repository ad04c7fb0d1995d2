package io.carousel.offline.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carousel.offline.data.Interaction;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Replays logged interactions through the real HTTP API as live traffic. For every event: GET the
 * user's slate (k items), count a hit when the event's item is in it (online HR@k) — and the same
 * for the {@link PopularityBaseline}; then POST the event and time how long until the user's
 * WebSocket subscriber receives the slate that event caused (freshness). Users are partitioned over
 * {@code workers} threads; each user's events stay in time order.
 */
public final class ReplayClient {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final URI base;
  private final int k;
  private final int workers;
  private final Duration pushTimeout;
  private final HttpClient http;

  /**
   * @param base e.g. {@code http://127.0.0.1:8080}
   * @param k slate size requested
   * @param workers concurrent replay threads (users are partitioned over them)
   * @param pushTimeout longest wait for an event's WebSocket slate
   */
  public ReplayClient(URI base, int k, int workers, Duration pushTimeout) {
    this.base = base;
    this.k = k;
    this.workers = workers;
    this.pushTimeout = pushTimeout;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** Most times one request is sent again after a 503 with {@code Retry-After}. */
  private static final int OVERLOAD_RETRIES = 3;

  private final AtomicLong overloadRetries = new AtomicLong();

  /** A slate received on a WebSocket, with its arrival time (System.nanoTime). */
  private record Push(String trigger, long receivedNanos) {}

  /**
   * Replays {@code events} (time-ordered).
   *
   * @param onEvent called after each event (for a progress bar)
   * @throws IllegalStateException when the server cannot be reached
   */
  ReplayResult replay(List<Interaction> events, PopularityBaseline baseline, Runnable onEvent)
      throws InterruptedException {
    return replay(events, 0, baseline, onEvent);
  }

  /**
   * As {@link #replay(List, PopularityBaseline, Runnable)}, for a part of a longer replay that
   * starts at event {@code firstIndex}: event ids are numbered from it, so two parts never send the
   * same id (the server would take the second as a repeat).
   */
  ReplayResult replay(
      List<Interaction> events, int firstIndex, PopularityBaseline baseline, Runnable onEvent)
      throws InterruptedException {
    List<List<Integer>> parts = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      parts.add(new ArrayList<>());
    }
    Map<String, Integer> lastIndex = new HashMap<>();
    for (int i = 0; i < events.size(); i++) {
      String u = events.get(i).userId();
      parts.get(Math.floorMod(u.hashCode(), workers)).add(i);
      lastIndex.put(u, i);
    }
    byte[] timeline = new byte[events.size()];
    Histogram reco = new ConcurrentHistogram(60_000_000L, 3);
    Histogram fresh = new ConcurrentHistogram(60_000_000L, 3);
    AtomicLong acked = new AtomicLong();
    AtomicLong slates = new AtomicLong();
    AtomicLong duplicates = new AtomicLong();
    AtomicLong missed = new AtomicLong();
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (List<Integer> part : parts) {
        futures.add(
            pool.submit(
                () -> {
                  Map<String, Subscriber> subs = new HashMap<>();
                  for (int i : part) {
                    Interaction e = events.get(i);
                    Subscriber sub = subs.computeIfAbsent(e.userId(), this::subscribe);
                    byte hit = 0;
                    List<String> slate = recommend(e.userId(), reco);
                    if (slate != null) {
                      slates.incrementAndGet();
                      if (new HashSet<>(slate).size() != slate.size()) {
                        duplicates.incrementAndGet();
                      }
                      hit |= slate.contains(e.itemId()) ? 1 : 0;
                    }
                    hit |= baseline.hit(e.userId(), e.itemId(), k) ? 2 : 0;
                    timeline[i] = hit;
                    sub.pushes.clear();
                    long sent = System.nanoTime();
                    if (post(e, firstIndex + i)) {
                      acked.incrementAndGet();
                      long arrived = awaitEventPush(sub);
                      if (arrived > 0) {
                        fresh.recordValue(Math.max(0, (arrived - sent) / 1000));
                      } else {
                        missed.incrementAndGet();
                      }
                    }
                    baseline.observe(e);
                    if (lastIndex.get(e.userId()) == i) {
                      subs.remove(e.userId()).close();
                    }
                    onEvent.run();
                  }
                  subs.values().forEach(Subscriber::close);
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("replay failed: " + e.getCause().getMessage(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    long cHits = 0;
    long pHits = 0;
    for (byte b : timeline) {
      cHits += b & 1;
      pHits += (b >> 1) & 1;
    }
    return new ReplayResult(
        events.size(),
        acked.get(),
        slates.get(),
        cHits,
        pHits,
        timeline,
        reco,
        fresh,
        seconds,
        duplicates.get(),
        missed.get());
  }

  /**
   * Returns how many of the replay's own events (their ids are deterministic) the server already
   * holds for the first replayed user: more than 0 means this journal has seen this replay before,
   * and replaying again would only produce duplicates (no push, no learning, a meaningless report).
   */
  public long alreadyRecorded(List<Interaction> events) {
    if (events.isEmpty()) {
      return 0;
    }
    String user = events.get(0).userId();
    HttpResponse<String> r =
        send(HttpRequest.newBuilder(base.resolve("/v1/users/" + enc(user))).GET().build());
    if (r.statusCode() != 200) {
      return 0;
    }
    JsonNode count = read(r.body()).get("eventCount");
    return count == null ? 0 : count.asLong();
  }

  private List<String> recommend(String userId, Histogram latency) {
    URI uri = base.resolve("/v1/users/" + enc(userId) + "/recommendations?k=" + k);
    long start = System.nanoTime();
    HttpResponse<String> r = send(HttpRequest.newBuilder(uri).GET().build());
    latency.recordValue(Math.max(0, (System.nanoTime() - start) / 1000));
    if (r.statusCode() != 200) {
      return null;
    }
    JsonNode items = read(r.body()).get("items");
    List<String> ids = new ArrayList<>();
    items.forEach(it -> ids.add(it.get("itemId").asText()));
    return ids;
  }

  private boolean post(Interaction e, int index) {
    Map<String, Object> body = new HashMap<>();
    body.put("eventId", "replay-" + index + "-" + e.userId() + "-" + e.itemId());
    body.put("userId", e.userId());
    body.put("itemId", e.itemId());
    body.put("type", e.type().wireName());
    body.put("timestamp", Instant.ofEpochMilli(e.timestampMs()).toString());
    try {
      HttpRequest req =
          HttpRequest.newBuilder(base.resolve("/v1/events"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(body)))
              .build();
      return send(req).statusCode() / 100 == 2;
    } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private long awaitEventPush(Subscriber sub) {
    long deadline = System.nanoTime() + pushTimeout.toNanos();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        Push p = left > 0 ? sub.pushes.poll(left, TimeUnit.NANOSECONDS) : null;
        if (p == null) {
          return -1;
        }
        if ("event".equals(p.trigger())) {
          return p.receivedNanos();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private Subscriber subscribe(String userId) {
    URI ws =
        URI.create(
            base.toString().replaceFirst("^http", "ws")
                + "/v1/users/"
                + enc(userId)
                + "/stream?k="
                + k);
    Subscriber s = new Subscriber();
    try {
      s.socket = http.newWebSocketBuilder().buildAsync(ws, s).get(10, TimeUnit.SECONDS);
      // The first slate arrives on subscribe; wait for it so later pushes are the event's.
      s.pushes.poll(pushTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot open WebSocket " + ws + ": " + e, e);
    }
    return s;
  }

  /** Returns how many requests were sent again after a 503 with {@code Retry-After}. */
  long overloadRetries() {
    return overloadRetries.get();
  }

  /**
   * Sends {@code req}; a 503 with {@code Retry-After} (the server shedding past capacity) is sent
   * again after that wait, at most {@link #OVERLOAD_RETRIES} times, as the API asks a client to do.
   * Idempotent here: a retried event keeps its event id.
   */
  private HttpResponse<String> send(HttpRequest req) {
    try {
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      for (int retry = 0; retry < OVERLOAD_RETRIES && r.statusCode() == 503; retry++) {
        var after = r.headers().firstValue("Retry-After");
        if (after.isEmpty()) {
          break;
        }
        overloadRetries.incrementAndGet();
        long seconds;
        try {
          seconds = Math.max(0, Math.min(2, Long.parseLong(after.get().trim())));
        } catch (NumberFormatException e) {
          seconds = 1;
        }
        Thread.sleep(seconds * 1000);
        r = http.send(req, HttpResponse.BodyHandlers.ofString());
      }
      return r;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(
          "HTTP " + req.method() + " " + req.uri() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static JsonNode read(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("server sent invalid JSON: " + json, e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A WebSocket subscriber that queues every slate with its arrival time. */
  private static final class Subscriber implements WebSocket.Listener {
    final BlockingQueue<Push> pushes = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    WebSocket socket;

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        long now = System.nanoTime();
        JsonNode msg = read(partial.toString());
        partial.setLength(0);
        pushes.add(new Push(msg.path("trigger").asText(), now));
      }
      ws.request(1);
      return null;
    }

    void close() {
      if (socket != null) {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
      }
    }
  }

  /** Distinct users in {@code events}. */
  static Set<String> users(List<Interaction> events) {
    Set<String> u = new HashSet<>();
    events.forEach(e -> u.add(e.userId()));
    return u;
  }
}
