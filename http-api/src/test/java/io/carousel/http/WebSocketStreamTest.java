package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.stream.javadsl.Keep;
import akka.stream.testkit.javadsl.TestSink;
import com.fasterxml.jackson.databind.JsonNode;
import io.carousel.http.slates.SlateSubscription;
import io.carousel.user.UserProfile;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The slate stream: several subscribers, conflation for slow clients, clean disconnects. */
class WebSocketStreamTest extends HttpTestBase {

  /** A client that reads only when told to, queueing every slate it reads. */
  private static class Client implements WebSocket.Listener {
    final BlockingQueue<JsonNode> slates = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final boolean autoRead;
    WebSocket socket;

    Client(boolean autoRead) {
      this.autoRead = autoRead;
    }

    @Override
    public void onOpen(WebSocket ws) {
      ws.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          slates.add(Json.MAPPER.readTree(partial.toString()));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        partial.setLength(0);
      }
      if (autoRead) {
        ws.request(1);
      }
      return null;
    }
  }

  private static Client connect(String user, boolean autoRead) throws Exception {
    Client c = new Client(autoRead);
    c.socket =
        HTTP.newWebSocketBuilder()
            .buildAsync(
                URI.create(node.base().replace("http", "ws") + "/v1/users/" + user + "/stream?k=3"),
                c)
            .get(5, TimeUnit.SECONDS);
    return c;
  }

  private static void post(String user, String eventId, String item) throws Exception {
    String body =
        "{\"eventId\":\""
            + eventId
            + "\",\"userId\":\""
            + user
            + "\",\"itemId\":\""
            + item
            + "\",\"type\":\"view\",\"timestamp\":1700000000000}";
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(node.base() + "/v1/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }

  private static int subscribers(String user) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(node.base() + "/v1/users/" + user)).build(),
            HttpResponse.BodyHandlers.ofString());
    return Json.MAPPER.readTree(r.body()).get("subscribers").asInt();
  }

  @Test
  void everySubscriberGetsEachSlate() throws Exception {
    String user = "ws-" + UUID.randomUUID();
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Client c = connect(user, true);
      clients.add(c);
    }
    for (Client c : clients) {
      assertEquals("subscribe", c.slates.poll(5, TimeUnit.SECONDS).get("trigger").asText());
    }
    post(user, "e1", "item-7");
    for (Client c : clients) {
      JsonNode s;
      do {
        s = c.slates.poll(5, TimeUnit.SECONDS);
      } while (s != null && !"event".equals(s.get("trigger").asText()));
      assertTrue(s != null, "each subscriber got the event's slate");
    }
    assertEquals(3, subscribers(user));
  }

  @Test
  void slowClientGetsTheLatestSlateOnly() {
    var pair =
        SlateSubscription.conflatingSlates()
            .toMat(TestSink.create(node.kit.system()), Keep.both())
            .run(node.kit.system());
    var ref = pair.first();
    var probe = pair.second();
    probe.ensureSubscription();
    probe.request(1);
    ref.tell(slate("u/1"));
    assertEquals("u/1", ((UserProfile.SlateReply) probe.expectNext()).slateId());
    // The client stops reading: 5,000 slates arrive, the buffer keeps the newest one only.
    for (int i = 2; i <= 5_001; i++) {
      ref.tell(slate("u/" + i));
    }
    probe.expectNoMessage(java.time.Duration.ofMillis(200));
    probe.request(10);
    assertEquals(
        "u/5001",
        ((UserProfile.SlateReply) probe.expectNext()).slateId(),
        "only the latest slate is delivered");
    probe.expectNoMessage(java.time.Duration.ofMillis(200));
  }

  private static UserProfile.SlateReply slate(String slateId) {
    return new UserProfile.SlateReply("u", slateId, List.of(), "p", "m", 0L, "event");
  }

  @Test
  void idleConnectionGetsKeepAlivePings() throws Exception {
    java.util.concurrent.CountDownLatch pinged = new java.util.concurrent.CountDownLatch(1);
    Client c =
        new Client(true) {
          @Override
          public CompletionStage<?> onPing(WebSocket ws, java.nio.ByteBuffer message) {
            pinged.countDown();
            return super.onPing(ws, message);
          }
        };
    c.socket =
        HTTP.newWebSocketBuilder()
            .buildAsync(
                URI.create(node.base().replace("http", "ws") + "/v1/users/ping-user/stream?k=3"), c)
            .get(5, TimeUnit.SECONDS);
    assertTrue(pinged.await(5, TimeUnit.SECONDS), "a ping within 5 s of idle (configured 1 s)");
    c.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
  }

  @Test
  void disconnectsLeaveNoSubscriberBehind() throws Exception {
    String user = "ws-" + UUID.randomUUID();
    for (int i = 0; i < 1000; i++) {
      Client c = connect(user, true);
      c.slates.poll(5, TimeUnit.SECONDS);
      c.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    }
    int left = -1;
    for (int attempt = 0; attempt < 50 && left != 0; attempt++) {
      left = subscribers(user);
      if (left != 0) {
        Thread.sleep(100);
      }
    }
    assertEquals(0, left, "1,000 connect/disconnect cycles leave zero subscribers");
  }
}
