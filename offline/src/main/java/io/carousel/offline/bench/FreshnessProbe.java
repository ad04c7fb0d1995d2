package io.carousel.offline.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Freshness under load: WebSockets open on a few warmed users; while a load phase runs, one event
 * at a time is POSTed for one of them and the time from the POST's send to the next slate on that
 * user's socket is recorded. A slate that does not come within {@code timeoutMs} is a miss.
 */
final class FreshnessProbe implements AutoCloseable {
  private final HttpClient http;
  private final URI base;
  private final List<String> users;
  private final List<WebSocket> sockets = new ArrayList<>();
  private final List<BlockingQueue<Long>> arrivals = new ArrayList<>();

  FreshnessProbe(HttpClient http, URI base, List<String> users) {
    this.http = http;
    this.base = base;
    this.users = users;
  }

  /** Opens one stream per user; waits for each to deliver its first slate. */
  void open() throws Exception {
    URI ws = URI.create(base.toString().replaceFirst("^http", "ws"));
    for (String u : users) {
      BlockingQueue<Long> q = new LinkedBlockingQueue<>();
      StringBuilder partial = new StringBuilder();
      WebSocket socket =
          http.newWebSocketBuilder()
              .buildAsync(
                  ws.resolve("/v1/users/" + ServerHttp.enc(u) + "/stream?k=10"),
                  new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket s, CharSequence data, boolean last) {
                      partial.append(data);
                      if (last) {
                        q.add(System.nanoTime());
                        partial.setLength(0);
                      }
                      s.request(1);
                      return null;
                    }
                  })
              .get(10, TimeUnit.SECONDS);
      q.poll(5, TimeUnit.SECONDS); // the slate sent on subscribe
      sockets.add(socket);
      arrivals.add(q);
    }
  }

  /**
   * Probes until {@code endNanos}, one event every {@code periodMs}; {@code event.apply(user, n)}
   * builds the JSON. Returns the recorder (service time = corrected: a probe has no schedule) and
   * the number of misses.
   */
  long[] run(
      LatencyRecorder rec,
      long endNanos,
      long periodMs,
      long timeoutMs,
      BiFunction<String, Long, String> event)
      throws InterruptedException {
    long n = 0;
    long misses = 0;
    while (System.nanoTime() < endNanos) {
      int i = (int) (n % users.size());
      BlockingQueue<Long> q = arrivals.get(i);
      q.clear();
      long sent = System.nanoTime();
      boolean acked;
      try {
        acked =
            http.send(
                            LoadDriver.postEvent(base, event.apply(users.get(i), n)),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                    / 100
                == 2;
      } catch (Exception e) {
        acked = false;
      }
      Long at = acked ? q.poll(timeoutMs, TimeUnit.MILLISECONDS) : null;
      if (at == null) {
        misses++;
        rec.record(sent, sent, sent, false);
      } else {
        rec.record(sent, sent, at, true);
      }
      n++;
      Thread.sleep(periodMs);
    }
    return new long[] {n, misses};
  }

  @Override
  public void close() {
    for (WebSocket s : sockets) {
      s.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }
  }
}
