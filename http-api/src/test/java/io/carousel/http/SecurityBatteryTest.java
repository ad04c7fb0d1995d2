package io.carousel.http;

import static io.carousel.http.SecuredNode.ADMIN;
import static io.carousel.http.SecuredNode.INGEST;
import static io.carousel.http.SecuredNode.KEYS;
import static io.carousel.http.SecuredNode.START;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.carousel.http.auth.RouteAccess;
import io.carousel.http.auth.Scope;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The security battery (issue 17, item 8): against a node started with a keys file, every route of
 * {@code openapi.yaml} is called without credentials, with malformed ones, another scheme, a key in
 * the query string, each wrong scope, the right scopes, another user's token, an expired token and
 * an oversized one; each refusal must carry its status and change nothing (a user's event count and
 * the catalogue are read before and after). {@link SecurityTokenTest} covers rotation, the stream
 * and path traversal.
 */
class SecurityBatteryTest {
  @TempDir static Path dir;
  static SecuredNode s;
  static final String VICTIM = "victim-user";
  static final String SHOPPER = "shopper-user";

  @BeforeAll
  static void start() throws Exception {
    s = new SecuredNode(dir);
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> r =
          s.send(
              request("POST /v1/events", VICTIM, "item-" + i, "")
                  .header("Authorization", "Bearer " + ADMIN));
      assertEquals(200, r.statusCode(), r.body());
    }
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  @BeforeEach
  void resetClock() {
    s.clock.set(START);
  }

  /** Every route as {@code "METHOD /path"}, read from the OpenAPI document. */
  static Set<String> specRoutes() throws Exception {
    try (InputStream in = SecurityBatteryTest.class.getResourceAsStream("/openapi.yaml")) {
      JsonNode spec = new ObjectMapper(new YAMLFactory()).readTree(in);
      Set<String> routes = new TreeSet<>();
      spec.get("paths")
          .fields()
          .forEachRemaining(
              p ->
                  p.getValue()
                      .fieldNames()
                      .forEachRemaining(m -> routes.add(m.toUpperCase() + " " + p.getKey())));
      return routes;
    }
  }

  static RouteAccess.Rule rule(String route) {
    return RouteAccess.of(route, false);
  }

  /**
   * The request of {@code route} for {@code user} and {@code item} ({@code userId} and {@code
   * itemId} in path and body), with {@code query} appended; no credentials.
   */
  static HttpRequest.Builder request(String route, String user, String item, String query) {
    String method = route.substring(0, route.indexOf(' '));
    String path =
        route.substring(route.indexOf(' ') + 1).replace("{userId}", user).replace("{itemId}", item);
    String body =
        switch (route) {
          case "POST /v1/events" ->
              "{\"userId\":\""
                  + user
                  + "\",\"itemId\":\""
                  + item
                  + "\",\"type\":\"click\","
                  + "\"timestamp\":1700000000000,\"eventId\":\"e-"
                  + System.nanoTime()
                  + "\"}";
          case "POST /v1/tokens" -> "{\"userId\":\"" + user + "\"}";
          case "PUT /v1/items" -> "{\"itemId\":\"" + item + "\",\"title\":\"changed\"}";
          default -> null;
        };
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.base() + path + query));
    if (body == null) {
      return b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return b.header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body));
  }

  /** The victim's request of {@code route}: what a refused request must not change. */
  static HttpRequest.Builder victim(String route, String query) {
    return request(route, VICTIM, "item-39", query);
  }

  private record State(long victimEvents, String catalogue) {}

  private static State state() throws Exception {
    return new State(s.eventCount(VICTIM), s.catalogue());
  }

  /**
   * Sends {@code b}; asserts {@code status}, a problem+json body that does not quote {@code secret}
   * nor hold a stack trace, the Bearer challenge on 401/403, and that nothing changed.
   */
  static HttpResponse<String> refused(String why, HttpRequest.Builder b, int status, String secret)
      throws Exception {
    State before = state();
    HttpResponse<String> r = s.send(b);
    assertEquals(status, r.statusCode(), why + ": " + r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").contains("problem+json"), why);
    if (status == 401 || status == 403) {
      assertTrue(
          r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer "),
          why + ": WWW-Authenticate " + r.headers().allValues("WWW-Authenticate"));
    }
    if (secret != null) {
      assertFalse(r.body().contains(secret), why + ": the body quotes the credential");
    }
    assertFalse(
        r.body().contains("Exception") || r.body().contains("\tat "), why + ": " + r.body());
    assertEquals(before, state(), why + ": a refused request changed state");
    return r;
  }

  @Test
  void everyRouteOfTheSpecHasItsOwnAccessRule() throws Exception {
    Set<String> spec = specRoutes();
    assertEquals(new TreeSet<>(CarouselRoutes.ROUTE_TABLE), spec);
    assertEquals(spec, new TreeSet<>(RouteAccess.TABLE.keySet()));
    JsonNode paths;
    try (InputStream in = SecurityBatteryTest.class.getResourceAsStream("/openapi.yaml")) {
      paths = new ObjectMapper(new YAMLFactory()).readTree(in).get("paths");
    }
    for (String route : spec) {
      String method = route.substring(0, route.indexOf(' ')).toLowerCase(java.util.Locale.ROOT);
      JsonNode op = paths.get(route.substring(route.indexOf(' ') + 1)).get(method);
      RouteAccess.Rule rule = rule(route);
      assertEquals(
          rule.open() ? "open" : rule.scope().wire(), op.path("x-carousel-scope").asText(), route);
      assertEquals(rule.open(), op.has("security") && op.get("security").isEmpty(), route);
      String shopper =
          switch (rule.shopper()) {
            case NONE -> "";
            case PATH_USER -> "own-user";
            case BODY_USERS -> "own-events";
            case ANY -> "any";
          };
      assertEquals(shopper, op.path("x-carousel-shopper").asText(), route + " x-carousel-shopper");
    }
  }

  @Test
  void withoutAuthorizationEveryProtectedRouteIs401AndOnlyHealthSpecAndDemoAreOpen()
      throws Exception {
    Set<String> open = new TreeSet<>();
    for (String route : specRoutes()) {
      if (rule(route).open()) {
        open.add(route);
        int status = s.send(victim(route, "")).statusCode();
        assertNotEquals(401, status, route);
        assertNotEquals(403, status, route);
      } else {
        HttpResponse<String> r =
            refused(route + " without Authorization", victim(route, ""), 401, null);
        assertEquals("Authorization", Json.MAPPER.readTree(r.body()).get("field").asText());
      }
    }
    assertEquals(
        Set.of("GET /health/alive", "GET /health/ready", "GET /openapi.yaml", "GET /demo", "GET /"),
        open);
  }

  @Test
  void malformedAuthorizationAndAnotherSchemeAre401() throws Exception {
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("admin:" + ADMIN).getBytes(StandardCharsets.UTF_8));
    ch.qos.logback.classic.Logger root =
        (ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
        new ch.qos.logback.core.read.ListAppender<>();
    logged.start();
    root.addAppender(logged);
    String[] values = {
      "Bearer",
      "Bearer a b",
      "Bearer " + ADMIN + " trailing",
      ADMIN,
      "Token " + ADMIN,
      "Bearer " + ADMIN + "x",
      basic,
      "Bearer ct1.x"
    };
    for (String route : specRoutes()) {
      if (rule(route).open()) {
        continue;
      }
      for (String v : values) {
        refused(
            route + " with Authorization: " + v,
            victim(route, "").header("Authorization", v),
            401,
            ADMIN);
      }
      refused(
          route + " with two Authorization headers",
          victim(route, "")
              .header("Authorization", "Bearer " + ADMIN)
              .header("Authorization", "Bearer " + ADMIN),
          401,
          ADMIN);
    }
    root.detachAppender(logged);
    for (var e : logged.list) {
      assertFalse(e.getFormattedMessage().contains(ADMIN), "a key was logged: " + e);
    }
  }

  @Test
  void aKeyInTheQueryStringIsRefusedEvenWithAValidHeader() throws Exception {
    for (String route : specRoutes()) {
      if (rule(route).open()) {
        continue;
      }
      refused(route + " ?access_token=key", victim(route, "?access_token=" + ADMIN), 400, ADMIN);
      refused(
          route + " ?api_key=key with header",
          victim(route, "?api_key=" + ADMIN).header("Authorization", "Bearer " + ADMIN),
          400,
          ADMIN);
    }
  }

  @Test
  void aKeyWithoutTheRoutesScopeIs403AndWithItIsNeither401Nor403() throws Exception {
    int allowed = 0;
    for (String route : specRoutes()) {
      RouteAccess.Rule rule = rule(route);
      if (rule.open()) {
        continue;
      }
      for (var key : KEYS.entrySet()) {
        boolean may =
            key.getValue().contains("admin") || key.getValue().contains(rule.scope().wire());
        if (may) {
          // Other ids than the victim's: a permitted call may change state.
          int status =
              s.send(
                      request(route, "ok-user", "item-38", "")
                          .header("Authorization", "Bearer " + key.getKey()))
                  .statusCode();
          assertNotEquals(401, status, route + " with " + key.getValue());
          assertNotEquals(403, status, route + " with " + key.getValue());
          allowed++;
        } else {
          HttpResponse<String> r =
              refused(
                  route + " with a " + key.getValue() + " key",
                  victim(route, "").header("Authorization", "Bearer " + key.getKey()),
                  403,
                  key.getKey());
          assertTrue(
              r.headers()
                  .firstValue("WWW-Authenticate")
                  .orElse("")
                  .contains("scope=\"" + rule.scope().wire() + "\""),
              route);
        }
      }
    }
    assertTrue(allowed >= 20, "permitted calls: " + allowed);
    assertEquals(Scope.ADMIN, rule("GET /metrics").scope());
  }

  @Test
  void anotherUsersTokenIs403OnEveryProtectedRouteButTheCatalogue() throws Exception {
    String token = s.token(SHOPPER, 600);
    for (String route : specRoutes()) {
      if (rule(route).open()) {
        continue;
      }
      if (rule(route).shopper() == RouteAccess.Shopper.ANY) {
        // Public product data: whose token it is does not matter (checked below for each).
        assertTrue(route.startsWith("GET /v1/items"), route + " lets any shopper token read it");
        HttpResponse<String> r =
            s.send(victim(route, "").header("Authorization", "Bearer " + token));
        assertEquals(200, r.statusCode(), route + ": " + r.body());
        continue;
      }
      refused(
          route + " with another user's token",
          victim(route, "").header("Authorization", "Bearer " + token),
          403,
          token);
    }
  }

  @Test
  void anExpiredTokenIs401OnEveryProtectedRoute() throws Exception {
    String token = s.token(VICTIM, 60);
    s.clock.advance(Duration.ofSeconds(60));
    for (String route : specRoutes()) {
      if (rule(route).open()) {
        continue;
      }
      HttpResponse<String> r =
          refused(
              route + " with an expired token",
              victim(route, "").header("Authorization", "Bearer " + token),
              401,
              token);
      assertTrue(r.body().contains("expired"), r.body());
    }
  }

  @Test
  void anOversizedCredentialIs401AndAnOversizedHeaderIsRefusedWithoutStackTrace() throws Exception {
    String route = "GET /v1/users/{userId}/recommendations";
    refused(
        "a 2000-char token",
        victim(route, "").header("Authorization", "Bearer ct1." + "a".repeat(2000)),
        401,
        null);
    HttpResponse<String> huge =
        s.send(victim(route, "").header("Authorization", "Bearer " + "a".repeat(20_000)));
    assertTrue(Set.of(400, 401, 431).contains(huge.statusCode()), huge.statusCode() + huge.body());
    assertFalse(huge.body().contains("Exception") || huge.body().contains("\tat "), huge.body());
    assertEquals(2, s.eventCount(VICTIM));
  }

  @Test
  void aShopperTokenAllowsItsOwnSlatesAndEventsOnly() throws Exception {
    String token = s.token(SHOPPER, 600);
    String bearer = "Bearer " + token;
    String recs = "GET /v1/users/{userId}/recommendations";
    assertEquals(
        200,
        s.send(request(recs, SHOPPER, "item-1", "").header("Authorization", bearer)).statusCode());
    long before = s.eventCount(SHOPPER);
    HttpResponse<String> own =
        s.send(request("POST /v1/events", SHOPPER, "item-1", "").header("Authorization", bearer));
    assertEquals(200, own.statusCode(), own.body());
    assertEquals(before + 1, s.eventCount(SHOPPER));
    String ownLine =
        "{\"userId\":\""
            + SHOPPER
            + "\",\"itemId\":\"item-2\",\"type\":\"click\",\"timestamp\":1700000000001}";
    String otherLine =
        "{\"userId\":\""
            + VICTIM
            + "\",\"itemId\":\"item-2\",\"type\":\"click\",\"timestamp\":1700000000001}";
    HttpResponse<String> mixed =
        refused(
            "an NDJSON batch with another user's line",
            HttpRequest.newBuilder(URI.create(s.base() + "/v1/events"))
                .header("Authorization", bearer)
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(ownLine + "\n" + otherLine + "\n")),
            403,
            token);
    assertTrue(mixed.body().contains("line 2"), mixed.body());
    assertEquals(before + 1, s.eventCount(SHOPPER), "the batch's own line was not stored either");
    refused(
        "a pretty-printed single event for another user",
        HttpRequest.newBuilder(URI.create(s.base() + "/v1/events"))
            .header("Authorization", bearer)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(otherLine.replace(",", ",\n"))),
        403,
        token);
    for (String route :
        new String[] {
          "POST /v1/tokens",
          "DELETE /v1/users/{userId}",
          "PUT /v1/items",
          "DELETE /v1/items/{itemId}",
          "GET /v1/stats"
        }) {
      refused(
          route + " with its user's token",
          request(route, SHOPPER, "item-1", "").header("Authorization", bearer),
          403,
          token);
    }
  }

  /**
   * What the {@code /demo} page needs with keys on: its own user's summary and the catalogue (list
   * and one item), with its token as {@code Authorization: Bearer}; another user's summary stays
   * 403.
   */
  @Test
  void aShopperTokenReadsItsOwnSummaryAndTheCatalogueButNotAnotherUsersSummary() throws Exception {
    String token = s.token(VICTIM, 600);
    String bearer = "Bearer " + token;
    HttpResponse<String> own =
        s.send(
            request("GET /v1/users/{userId}", VICTIM, "item-1", "")
                .header("Authorization", bearer));
    assertEquals(200, own.statusCode(), own.body());
    assertEquals(s.eventCount(VICTIM), Json.MAPPER.readTree(own.body()).get("eventCount").asLong());
    HttpResponse<String> list =
        s.send(
            request("GET /v1/items", VICTIM, "item-1", "?limit=5").header("Authorization", bearer));
    assertEquals(200, list.statusCode(), list.body());
    assertEquals(5, Json.MAPPER.readTree(list.body()).get("items").size(), list.body());
    HttpResponse<String> one =
        s.send(
            request("GET /v1/items/{itemId}", VICTIM, "item-3", "")
                .header("Authorization", bearer));
    assertEquals(200, one.statusCode(), one.body());
    assertEquals("item-3", Json.MAPPER.readTree(one.body()).get("itemId").asText(), one.body());
    HttpResponse<String> other =
        refused(
            "another user's summary with a shopper token",
            request("GET /v1/users/{userId}", SHOPPER, "item-1", "")
                .header("Authorization", bearer),
            403,
            token);
    assertTrue(other.body().contains("another user"), other.body());
    // The summary's path spelled differently does not slip past the user check.
    refused(
        "another user's summary, percent-encoded path",
        HttpRequest.newBuilder(URI.create(s.base() + "/v1/users/shopper%2Duser"))
            .header("Authorization", bearer)
            .GET(),
        403,
        token);
  }

  @Test
  void tokensAreMintedWithAnIngestKeyWithinTheMaximumTtl() throws Exception {
    HttpResponse<String> tooLong =
        refused(
            "ttlSeconds over the maximum",
            HttpRequest.newBuilder(URI.create(s.base() + "/v1/tokens"))
                .header("Authorization", "Bearer " + INGEST)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString("{\"userId\":\"u\",\"ttlSeconds\":3601}")),
            400,
            INGEST);
    assertEquals("ttlSeconds", Json.MAPPER.readTree(tooLong.body()).get("field").asText());
    HttpResponse<String> ok =
        s.send(
            HttpRequest.newBuilder(URI.create(s.base() + "/v1/tokens"))
                .header("Authorization", "Bearer " + INGEST)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString("{\"userId\":\"u\",\"ttlSeconds\":120}")));
    assertEquals(200, ok.statusCode(), ok.body());
    JsonNode body = Json.MAPPER.readTree(ok.body());
    assertEquals(START.plusSeconds(120).toString(), body.get("expiresAt").asText());
    assertTrue(body.get("token").asText().startsWith("ct1."), ok.body());
  }
}
