package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Slowloris: clients that trickle their headers or body a few bytes at a time, each byte within the
 * idle timeout, held a connection (and a place under {@code connections.max}) forever. With {@code
 * header-timeout} and {@code body-timeout} (2 s here) they get 408 problem+json and are closed, and
 * a normal client is served again.
 */
class SlowClientsTest {
  private static final int MAX_CONNECTIONS = 6;
  private static TestNode node;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    node =
        new TestNode(
            "carousel.http.connections { max = "
                + MAX_CONNECTIONS
                + ", header-timeout = 2s, body-timeout = 2s }\n");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static int port() {
    return node.binding.localAddress().getPort();
  }

  /** A client that sends {@code first}, then one byte of {@code trickle} every 200 ms. */
  private static final class Trickler implements AutoCloseable {
    final Socket socket = new Socket();
    final Thread writer;
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    volatile long closedAtNanos;

    Trickler(String first, String trickle) throws IOException {
      socket.connect(new InetSocketAddress("127.0.0.1", port()), 5_000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(first.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      writer =
          new Thread(
              () -> {
                try {
                  for (int i = 0; ; i++) {
                    Thread.sleep(200);
                    out.write(trickle.charAt(i % trickle.length()));
                    out.flush();
                  }
                } catch (Exception closed) {
                  // the server closed the connection, or the test did
                }
              });
      writer.setDaemon(true);
      writer.start();
    }

    /** Reads until the server closes (or 10 s pass); returns what it answered. */
    String awaitClose() throws IOException {
      InputStream in = socket.getInputStream();
      byte[] b = new byte[4096];
      try {
        int n;
        while ((n = in.read(b)) > 0) {
          received.write(b, 0, n);
        }
      } catch (java.net.SocketException reset) {
        // closed with a reset: closed all the same
      }
      closedAtNanos = System.nanoTime();
      return received.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
      writer.interrupt();
      socket.close();
    }
  }

  /** A new connection's {@code /health/alive} (a pooled one would be an old, admitted one). */
  private static HttpResponse<String> health() throws Exception {
    HttpClient fresh = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    return fresh.send(
        HttpRequest.newBuilder(URI.create(node.base() + "/health/alive"))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void headerTricklersFillingTheConnectionCapGet408AndCloseThenANormalClientIsServed()
      throws Exception {
    List<Trickler> tricklers = new ArrayList<>();
    try {
      long t0 = System.nanoTime();
      // One more than the cap: the last one is refused, and must be timed out as well (a refused
      // connection's idle timeout, reset by each byte, never closed it).
      for (int i = 0; i <= MAX_CONNECTIONS; i++) {
        tricklers.add(new Trickler("GET /health/alive HTTP/1.1\r\nHost: x\r\nX-Slow: ", "abc"));
      }
      Thread.sleep(200);
      assertEquals(503, health().statusCode(), "the tricklers hold every connection");
      for (Trickler t : tricklers) {
        String answer = t.awaitClose();
        assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
        assertTrue(answer.contains("application/problem+json"), answer);
        assertTrue(answer.contains("\"field\":\"headers\""), answer);
        long ms = (t.closedAtNanos - t0) / 1_000_000;
        System.out.printf("SLOWLORIS header trickler closed after %d ms%n", ms);
        assertTrue(ms < 8_000, "closed within the header timeout, not kept: " + ms + " ms");
      }
      Thread.sleep(200);
      assertEquals(200, health().statusCode(), "a normal client is served once they are gone");
    } finally {
      for (Trickler t : tricklers) {
        t.close();
      }
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aBodyTricklerGets408AndNothingIsStored() throws Exception {
    String event = AbuseLimitsTest.event("slow-body-user", "s1");
    long t0 = System.nanoTime();
    try (Trickler t =
        new Trickler(
            "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: "
                + event.length()
                + "\r\n\r\n"
                + event.substring(0, 10),
            event.substring(10))) {
      String answer = t.awaitClose();
      long ms = (t.closedAtNanos - t0) / 1_000_000;
      System.out.printf("SLOWLORIS body trickler closed after %d ms%n", ms);
      // The 408 is written, then the connection closed; a client still sending bytes the server
      // no longer reads may see the close as a reset that discards the 408 before it is read.
      if (!answer.isEmpty()) {
        assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
        assertTrue(answer.contains("\"field\":\"body\""), answer);
      }
      assertTrue(ms < 8_000, "closed within the body timeout: " + ms + " ms");
    }
    HttpResponse<String> summary =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(node.base() + "/v1/users/slow-body-user")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(0, Json.MAPPER.readTree(summary.body()).get("eventCount").asInt());
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aSilentConnectionIsClosedWithoutAnAnswerAndKeepAliveAndWebSocketsAreKept() throws Exception {
    try (Socket silent = new Socket()) {
      silent.connect(new InetSocketAddress("127.0.0.1", port()), 5_000);
      silent.setSoTimeout(10_000);
      long t0 = System.nanoTime();
      int read;
      try {
        read = silent.getInputStream().read();
      } catch (java.net.SocketException reset) {
        read = -1;
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(-1, read, "closed, nothing written to a client that said nothing");
      assertTrue(ms < 8_000, ms + " ms");
    }
    // A keep-alive client that pauses longer than the header timeout between requests is kept:
    // the deadline starts with a request's first byte.
    try (Socket keepAlive = new Socket()) {
      keepAlive.connect(new InetSocketAddress("127.0.0.1", port()), 5_000);
      keepAlive.setSoTimeout(10_000);
      for (int i = 0; i < 2; i++) {
        keepAlive
            .getOutputStream()
            .write(
                "GET /health/alive HTTP/1.1\r\nHost: x\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
        String head = readResponse(keepAlive.getInputStream());
        assertTrue(head.startsWith("HTTP/1.1 200"), "request " + i + ": " + head);
        Thread.sleep(3_000);
      }
    }
    // A WebSocket stream outlives the header timeout (pings answered, nothing else sent).
    try (RawWebSocket ws = new RawWebSocket(port(), "/v1/users/slow-ws/stream", 0, true)) {
      long until = System.nanoTime() + 4_000_000_000L;
      while (System.nanoTime() < until) {
        ws.next(500);
      }
      HttpResponse<String> summary =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(node.base() + "/v1/users/slow-ws")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(
          1,
          Json.MAPPER.readTree(summary.body()).get("subscribers").asInt(),
          "the stream is still open after 4 s");
    }
  }

  /** Reads one response with a Content-Length body. */
  private static String readResponse(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        return head + "<closed>";
      }
      head.append((char) b);
    }
    String h = head.toString().toLowerCase();
    int at = h.indexOf("content-length: ");
    int length = Integer.parseInt(h.substring(at + 16, h.indexOf("\r\n", at)).strip());
    in.readNBytes(length);
    return head.toString();
  }
}
