package io.carousel.http;

import static io.carousel.http.SecuredNode.ADMIN;
import static io.carousel.http.SecuredNode.START;
import static io.carousel.http.SecurityBatteryTest.refused;
import static io.carousel.http.SecurityBatteryTest.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The security battery, part two: token secret rotation, the WebSocket's {@code access_token} and
 * path traversal in ids, against a node with keys (shares {@link SecurityBatteryTest}'s helpers).
 */
class SecurityTokenTest {
  @TempDir static Path dir;
  static final String RECS = "GET /v1/users/{userId}/recommendations";
  static final String VICTIM = SecurityBatteryTest.VICTIM;

  @BeforeAll
  static void start() throws Exception {
    SecurityBatteryTest.s = new SecuredNode(dir);
    HttpResponse<String> r =
        node()
            .send(
                request("POST /v1/events", VICTIM, "item-1", "")
                    .header("Authorization", "Bearer " + ADMIN));
    assertEquals(200, r.statusCode(), r.body());
  }

  @AfterAll
  static void stop() {
    node().close();
  }

  @BeforeEach
  void resetClock() {
    node().clock.set(START);
  }

  static SecuredNode node() {
    return SecurityBatteryTest.s;
  }

  private static int recommendations(String user, String token) throws Exception {
    return node()
        .send(request(RECS, user, "item-1", "").header("Authorization", "Bearer " + token))
        .statusCode();
  }

  @Test
  void afterARotationThePreviousSecretIsValidForOneTtlAndOlderOnesNever() throws Exception {
    // START is 09:50; secrets rotate on the hour; the maximum TTL is 1 h.
    String issued = node().token(VICTIM, 3600);
    node().clock.set(START.plus(Duration.ofMinutes(15)));
    assertEquals(200, recommendations(VICTIM, issued), "previous secret, within one TTL");
    // Signed at 09:50 (previous epoch) with a TTL beyond the maximum, so only the secret's age
    // can refuse it: valid until 11:00, not after.
    String longLived =
        node()
            .signer(Clock.fixed(START, ZoneOffset.UTC), Duration.ofHours(10))
            .issue(VICTIM, Duration.ofHours(5))
            .token();
    assertEquals(200, recommendations(VICTIM, longLived));
    node().clock.set(START.plus(Duration.ofMinutes(70)).plusSeconds(1));
    HttpResponse<String> retired =
        refused(
            "the previous secret one TTL after the rotation",
            request(RECS, VICTIM, "item-1", "").header("Authorization", "Bearer " + longLived),
            401,
            longLived);
    assertTrue(retired.body().contains("retired secret"), retired.body());
    String older =
        node()
            .signer(
                Clock.fixed(START.minus(Duration.ofHours(1)), ZoneOffset.UTC), Duration.ofHours(10))
            .issue(VICTIM, Duration.ofHours(5))
            .token();
    node().clock.set(START.plus(Duration.ofMinutes(15)));
    refused(
        "a secret two rotations old",
        request(RECS, VICTIM, "item-1", "").header("Authorization", "Bearer " + older),
        401,
        older);
    String forgedUser = issued.replace(issued.split("\\.")[3], "YXR0YWNrZXI");
    refused(
        "a token whose user was changed",
        request(RECS, "attacker", "item-1", "").header("Authorization", "Bearer " + forgedUser),
        401,
        null);
  }

  private static CompletableFuture<WebSocket> open(String user, String query) {
    CompletableFuture<String> first = new CompletableFuture<>();
    URI uri =
        URI.create(node().base().replace("http:", "ws:") + "/v1/users/" + user + "/stream" + query);
    return node()
        .http
        .newWebSocketBuilder()
        .buildAsync(
            uri,
            new WebSocket.Listener() {
              @Override
              public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                first.complete(data.toString());
                return WebSocket.Listener.super.onText(ws, data, last);
              }
            });
  }

  private static int handshakeStatus(String user, String query) {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> open(user, query).get(10, TimeUnit.SECONDS));
    return assertInstanceOf(WebSocketHandshakeException.class, e.getCause())
        .getResponse()
        .statusCode();
  }

  @Test
  void theStreamTakesAShopperTokenAsAccessTokenButNeverAKey() throws Exception {
    String token = node().token(VICTIM, 600);
    WebSocket ws = open(VICTIM, "?access_token=" + token).get(10, TimeUnit.SECONDS);
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    assertEquals(403, handshakeStatus("someone-else", "?access_token=" + token));
    assertEquals(400, handshakeStatus(VICTIM, "?access_token=" + ADMIN));
    assertEquals(401, handshakeStatus(VICTIM, ""));
    // Outside the stream a token in the query string is refused: it belongs in the header.
    refused(
        "access_token on a REST route",
        request(RECS, VICTIM, "item-1", "?access_token=" + token),
        400,
        token);
  }

  @Test
  void aPathOutsideTheRouteTableNeedsAnAdminKey() throws Exception {
    for (String path :
        new String[] {
          "/v1/items%2Fitem-39", "/v1//items/item-39", "/v1/itemsX/item-39", "/V1/items/item-39"
        }) {
      refused(
          "a read key on DELETE " + path,
          HttpRequest.newBuilder(URI.create(node().base() + path))
              .header("Authorization", "Bearer " + SecuredNode.READ)
              .DELETE(),
          403,
          SecuredNode.READ);
      assertEquals(
          404,
          node()
              .send(
                  HttpRequest.newBuilder(URI.create(node().base() + path))
                      .header("Authorization", "Bearer " + ADMIN)
                      .DELETE())
              .statusCode(),
          path);
    }
  }

  @Test
  void pathTraversalInIdsIsRefusedAndChangesNothing() throws Exception {
    String token = node().token(VICTIM, 600);
    for (String path :
        new String[] {
          "/v1/users/..%2F" + VICTIM + "/recommendations",
          "/v1/users/" + VICTIM + "%2F..%2F" + VICTIM + "/recommendations",
          "/v1/users/%2e%2e/recommendations"
        }) {
      refused(
          "token on " + path,
          HttpRequest.newBuilder(URI.create(node().base() + path))
              .header("Authorization", "Bearer " + token),
          403,
          token);
    }
    for (String[] call :
        new String[][] {
          {"DELETE", "/v1/users/..%2F" + VICTIM, "400"},
          // A dot segment spelt %2e%2e is normalized away: /v1/users is no route.
          {"DELETE", "/v1/users/%2e%2e", "404"},
          {"GET", "/v1/users/..%2F..%2Fv1%2Fcluster", "400"},
          {"DELETE", "/v1/items/..%2Fitem-1", "400"},
          {"DELETE", "/v1/items/x%2F.%2Fitem-1", "400"}
        }) {
      HttpResponse<String> r =
          refused(
              "admin " + call[0] + " " + call[1],
              HttpRequest.newBuilder(URI.create(node().base() + call[1]))
                  .header("Authorization", "Bearer " + ADMIN)
                  .method(call[0], HttpRequest.BodyPublishers.noBody()),
              Integer.parseInt(call[2]),
              ADMIN);
      assertTrue(call[2].equals("404") || r.body().contains("Id\""), r.body());
    }
  }
}
