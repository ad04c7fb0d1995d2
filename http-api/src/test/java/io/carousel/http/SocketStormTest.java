package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * WebSocket storms through the real HTTP server: 1,000 concurrent sockets to one user, then 1,000
 * sockets to 1,000 users. Before the fix, 400 sockets to one user overflowed the user actor's stack
 * (recursive unstash of stashed Subscribe commands) and the JVM exited.
 */
class SocketStormTest {
  private static final int NODE_CAP = 600;
  private static TestNode node;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeAll
  static void start() throws Exception {
    // 600 open streams take longer than the kit's 10 s to stop; that is not what is tested.
    node =
        new TestNode(
            "carousel.http.stream.max-per-node = "
                + NODE_CAP
                + "\nakka.actor.testkit.typed.throw-on-shutdown-timeout = off\n");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /** One socket: its status (101, or the refusal's) and the slates it got. */
  private static final class Socket implements WebSocket.Listener {
    final CountDownLatch firstSlate = new CountDownLatch(1);
    final AtomicInteger slates = new AtomicInteger();
    final AtomicInteger eventSlates = new AtomicInteger();
    volatile int status;
    volatile WebSocket ws;
    private final StringBuilder partial = new StringBuilder();

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        if (text.contains("\"slateId\"")) {
          slates.incrementAndGet();
          if (text.contains("\"trigger\":\"event\"")) {
            eventSlates.incrementAndGet();
          }
          firstSlate.countDown();
        }
      }
      return null;
    }
  }

  private static List<Socket> storm(List<String> users) throws Exception {
    List<Socket> sockets = new ArrayList<>();
    List<CompletableFuture<Void>> opened = new ArrayList<>();
    String ws = node.base().replace("http", "ws");
    for (String user : users) {
      Socket s = new Socket();
      sockets.add(s);
      opened.add(
          HTTP.newWebSocketBuilder()
              .buildAsync(URI.create(ws + "/v1/users/" + user + "/stream?k=3"), s)
              .handle(
                  (socket, failure) -> {
                    if (socket != null) {
                      s.ws = socket;
                      s.status = 101;
                    } else if (failure.getCause() instanceof WebSocketHandshakeException h) {
                      s.status = h.getResponse().statusCode();
                    } else {
                      s.status = -1;
                      System.out.println("STORM failure: " + failure);
                    }
                    return null;
                  }));
    }
    CompletableFuture.allOf(opened.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    return sockets;
  }

  private static Map<Integer, Integer> byStatus(List<Socket> sockets) {
    Map<Integer, Integer> counts = new ConcurrentHashMap<>();
    sockets.forEach(s -> counts.merge(s.status, 1, Integer::sum));
    return counts;
  }

  private static int status(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.base() + path));
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void socketStormsAreBoundedRefusedBeforeTheUpgradeAndNeverEndTheProcess() throws Exception {
    String user = "storm-" + UUID.randomUUID();
    List<Socket> oneUser = storm(java.util.Collections.nCopies(1000, user));
    Map<Integer, Integer> counts = byStatus(oneUser);
    System.out.println("STORM one user: " + counts);
    assertEquals(Map.of(101, 16, 429, 984), counts, "16 admitted (max-per-user), the rest 429");
    List<Socket> admitted = oneUser.stream().filter(s -> s.status == 101).toList();
    for (Socket s : admitted) {
      assertTrue(s.firstSlate.await(20, TimeUnit.SECONDS), "each admitted socket gets a slate");
    }
    String event =
        "{\"eventId\":\"s1\",\"userId\":\""
            + user
            + "\",\"itemId\":\"item-7\",\"type\":\"view\",\"timestamp\":1700000000000}";
    assertEquals(200, status("POST", "/v1/events", event));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (admitted.stream().anyMatch(s -> s.eventSlates.get() == 0)
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(admitted.stream().allMatch(s -> s.eventSlates.get() == 1), "one event slate each");

    List<String> users = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      users.add("storm-many-" + i + "-" + UUID.randomUUID());
    }
    List<Socket> manyUsers = storm(users);
    Map<Integer, Integer> many = byStatus(manyUsers);
    System.out.println("STORM 1,000 users: " + many);
    assertEquals(
        Map.of(101, NODE_CAP - 16, 503, 1000 - (NODE_CAP - 16)),
        many,
        "the node holds max-per-node streams; the rest 503");
    for (Socket s : manyUsers) {
      if (s.status == 101) {
        assertTrue(s.firstSlate.await(30, TimeUnit.SECONDS), "each admitted socket gets a slate");
      }
    }
    assertEquals(200, status("GET", "/health/alive", null), "the process is alive");
    for (Socket s : admitted) {
      s.ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
    manyUsers.stream().filter(s -> s.ws != null).forEach(s -> s.ws.abort());
    // A closed stream gives its place back: the same user is admitted again.
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    int again;
    do {
      Thread.sleep(200);
      again = byStatus(storm(List.of(user))).keySet().iterator().next();
    } while (again != 101 && System.nanoTime() < until);
    assertEquals(101, again, "a place freed by a closed socket is reused");
  }
}
