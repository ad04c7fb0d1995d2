package io.carousel.offline.bench.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/** A WebSocket subscriber of one user's slates that remembers when each slate arrived. */
final class SlateWatcher implements WebSocket.Listener, AutoCloseable {
  final String userId;
  private final ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();
  private final StringBuilder partial = new StringBuilder();
  private final WebSocket socket;

  private SlateWatcher(String base, String userId) throws Exception {
    this.userId = userId;
    String ws = base.replace("http://", "ws://") + "/v1/users/" + userId + "/stream?k=5";
    this.socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .buildAsync(URI.create(ws), this)
            .get(10, TimeUnit.SECONDS);
  }

  /** Connects to {@code base} (e.g. {@code http://127.0.0.1:8081}) for {@code userId}. */
  static SlateWatcher connect(String base, String userId) throws Exception {
    return new SlateWatcher(base, userId);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      if (partial.indexOf("\"items\"") >= 0) {
        arrivals.add(System.nanoTime());
      }
      partial.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  /** Returns how many slates arrived after {@code nanoTime}. */
  long slatesAfter(long nanoTime) {
    return arrivals.stream().filter(t -> t > nanoTime).count();
  }

  /** Returns how many slates arrived in all. */
  int slates() {
    return arrivals.size();
  }

  /** Waits up to {@code timeout} for a slate that arrived after {@code nanoTime}. */
  boolean awaitSlateAfter(long nanoTime, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (slatesAfter(nanoTime) > 0) {
        return true;
      }
      Thread.sleep(100);
    }
    return slatesAfter(nanoTime) > 0;
  }

  @Override
  public void close() {
    socket.abort();
  }
}
