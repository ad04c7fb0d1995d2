package io.carousel.offline.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import io.carousel.offline.data.Interaction;
import io.carousel.policy.EventType;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The replay client treats a 503 with {@code Retry-After} as the API asks (wait, send again): the
 * demo exited 1 on a busy box when one shed request was counted as a lost slate.
 */
class ReplayClientRetryTest {

  /** A server whose first {@code shed} answers are 503 + Retry-After: 0, then a profile. */
  private static HttpServer server(int shed, AtomicInteger calls, String retryAfter)
      throws java.io.IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.createContext(
        "/v1/users/",
        ex -> {
          int n = calls.incrementAndGet();
          byte[] body;
          if (n <= shed) {
            body = "{\"status\":503}".getBytes(StandardCharsets.UTF_8);
            if (retryAfter != null) {
              ex.getResponseHeaders().add("Retry-After", retryAfter);
            }
            ex.sendResponseHeaders(503, body.length);
          } else {
            body = "{\"userId\":\"u\",\"eventCount\":3}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
          }
          ex.getResponseBody().write(body);
          ex.close();
        });
    s.start();
    return s;
  }

  private static ReplayClient client(HttpServer s) {
    return new ReplayClient(
        URI.create("http://127.0.0.1:" + s.getAddress().getPort()), 10, 1, Duration.ofSeconds(1));
  }

  private static final List<Interaction> EVENTS =
      List.of(new Interaction("u", "i", EventType.CLICK, 1_000L));

  @Test
  void aShedRequestIsSentAgainAfterRetryAfter() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    HttpServer s = server(2, calls, "0");
    try {
      ReplayClient c = client(s);
      assertEquals(3, c.alreadyRecorded(EVENTS));
      assertEquals(3, calls.get());
      assertEquals(2, c.overloadRetries());
    } finally {
      s.stop(0);
    }
  }

  @Test
  void givesUpAfterThreeRetriesAndNeverRetriesWithoutRetryAfter() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    HttpServer s = server(100, calls, "0");
    try {
      assertEquals(0, client(s).alreadyRecorded(EVENTS));
      assertEquals(4, calls.get());
    } finally {
      s.stop(0);
    }
    AtomicInteger plain = new AtomicInteger();
    HttpServer p = server(1, plain, null);
    try {
      assertEquals(0, client(p).alreadyRecorded(EVENTS));
      assertEquals(1, plain.get());
    } finally {
      p.stop(0);
    }
  }
}
