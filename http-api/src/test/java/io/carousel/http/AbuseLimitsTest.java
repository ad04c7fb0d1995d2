package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.carousel.http.limits.Admission;
import io.carousel.http.limits.HeapGauge;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 4 through a real node: per-key, per-shopper and per-address rate limits (429 with
 * Retry-After, nothing stored, counted), the heap check (503 with Retry-After on the routes that
 * start actors or store, deletes and health still served), and the active-entity limit of the user
 * actors. Slow clients: {@link SlowClientsTest}.
 */
class AbuseLimitsTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  static String event(String user, String eventId) {
    return "{\"eventId\":\""
        + eventId
        + "\",\"userId\":\""
        + user
        + "\",\"itemId\":\"item-3\",\"type\":\"click\",\"timestamp\":\"2026-01-01T09:00:00Z\"}";
  }

  private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder postEvent(String base, String user, String id) {
    return HttpRequest.newBuilder(URI.create(base + "/v1/events"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(event(user, id)));
  }

  private static HttpRequest.Builder get(String base, String path) {
    return HttpRequest.newBuilder(URI.create(base + path));
  }

  private static double limited(TestNode node, String limit, String principal) {
    return node.registry
        .get("carousel.http.limited")
        .tag("limit", limit)
        .tag("principal", principal)
        .counter()
        .count();
  }

  /** Asserts a 429 or 503 problem with a Retry-After of at least 1 s; returns the problem. */
  private static JsonNode assertLimited(HttpResponse<String> r, int status) throws Exception {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals(
        "application/problem+json", r.headers().firstValue("Content-Type").orElse(""), r.body());
    long retry = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retry >= 1, "Retry-After " + retry);
    JsonNode p = Json.MAPPER.readTree(r.body());
    assertEquals(status, p.get("status").asInt());
    return p;
  }

  @Test
  void eachApiKeyHasItsOwnBucket429WithRetryAfterAndNothingStored(@TempDir Path dir)
      throws Exception {
    try (SecuredNode s =
        new SecuredNode(
            dir, Map.of(), "carousel.http.rate-limit.per-key { rate = 1, burst = 3 }\n")) {
      String base = s.base();
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> ok =
            send(
                postEvent(base, "rl-alice", "e" + i)
                    .header("Authorization", "Bearer " + SecuredNode.INGEST));
        assertEquals(200, ok.statusCode(), ok.body());
      }
      HttpResponse<String> refused =
          send(
              postEvent(base, "rl-alice", "e-over")
                  .header("Authorization", "Bearer " + SecuredNode.INGEST));
      JsonNode p = assertLimited(refused, 429);
      assertTrue(p.get("detail").asText().contains("API key"), refused.body());
      assertFalse(refused.body().contains(SecuredNode.INGEST), "never quotes the key");
      assertEquals(1.0, limited(s.node, "rate", "key"));
      // Another key is not slowed by the first one's burst; the admin key reads the count.
      assertEquals(3, s.eventCount("rl-alice"), "the refused event was not stored");
      HttpResponse<String> other =
          send(
              postEvent(base, "rl-alice", "e-other")
                  .header("Authorization", "Bearer " + SecuredNode.READ_INGEST));
      assertEquals(200, other.statusCode(), other.body());
      // After Retry-After, the first key is served again.
      Thread.sleep(1000L * Long.parseLong(refused.headers().firstValue("Retry-After").get()));
      HttpResponse<String> again =
          send(
              postEvent(base, "rl-alice", "e-later")
                  .header("Authorization", "Bearer " + SecuredNode.INGEST));
      assertEquals(200, again.statusCode(), again.body());
      assertEquals(5, s.eventCount("rl-alice"));
      // Open routes are not limited, refused credentials are not counted against a key.
      for (int i = 0; i < 10; i++) {
        assertEquals(200, send(get(base, "/health/alive")).statusCode());
      }
    }
  }

  @Test
  void eachShopperHasItsOwnBucket(@TempDir Path dir) throws Exception {
    try (SecuredNode s =
        new SecuredNode(
            dir, Map.of(), "carousel.http.rate-limit.per-shopper { rate = 0.1, burst = 2 }\n")) {
      String alice = s.token("rl-shopper-a", 600);
      String bob = s.token("rl-shopper-b", 600);
      for (int i = 0; i < 2; i++) {
        HttpResponse<String> ok =
            send(
                get(s.base(), "/v1/users/rl-shopper-a/recommendations")
                    .header("Authorization", "Bearer " + alice));
        assertEquals(200, ok.statusCode(), ok.body());
      }
      HttpResponse<String> refused =
          send(
              postEvent(s.base(), "rl-shopper-a", "x1").header("Authorization", "Bearer " + alice));
      JsonNode p = assertLimited(refused, 429);
      assertTrue(p.get("detail").asText().contains("shopper"), refused.body());
      assertEquals(
          "10", refused.headers().firstValue("Retry-After").orElseThrow(), "one token per 10 s");
      assertEquals(0, s.eventCount("rl-shopper-a"), "the refused event was not stored");
      assertEquals(1.0, limited(s.node, "rate", "shopper"));
      HttpResponse<String> other =
          send(
              get(s.base(), "/v1/users/rl-shopper-b/recommendations")
                  .header("Authorization", "Bearer " + bob));
      assertEquals(200, other.statusCode(), "bob is not slowed by alice");
    }
  }

  @Test
  void withoutKeysEachClientAddressIsLimitedAndTheLimitCanBeTurnedOff() throws Exception {
    try (TestNode node =
        new TestNode("carousel.http.rate-limit.per-address { rate = 0.1, burst = 2 }\n")) {
      for (int i = 0; i < 2; i++) {
        assertEquals(200, send(postEvent(node.base(), "rl-open", "o" + i)).statusCode());
      }
      assertLimited(send(postEvent(node.base(), "rl-open", "o-over")), 429);
      assertLimited(send(get(node.base(), "/v1/users/rl-open")), 429);
      assertEquals(2.0, limited(node, "rate", "address"));
      for (int i = 0; i < 10; i++) {
        assertEquals(200, send(get(node.base(), "/health/ready")).statusCode(), "open route");
      }
    }
    try (TestNode node =
        new TestNode(
            "carousel.http.rate-limit { enabled = off, per-address { rate = 0.1, burst = 1 } }\n")) {
      for (int i = 0; i < 5; i++) {
        assertEquals(200, send(postEvent(node.base(), "rl-off", "o" + i)).statusCode());
      }
      assertEquals(0.0, limited(node, "rate", "address"));
    }
  }

  @Test
  void aNearlyFullHeapSheds503OnRoutesThatStartActorsOrStoreButDeletesAndHealthAnswer()
      throws Exception {
    AtomicReference<Double> heap = new AtomicReference<>(0.5);
    try (TestNode node =
        new TestNode(
            "carousel.http.memory { max-heap-after-gc = 0.8, retry-after = 7s }\n",
            null,
            (http, registry) ->
                new Admission(http.limits(), registry, heap::get, System::nanoTime))) {
      String base = node.base();
      assertEquals(200, send(postEvent(base, "heap-user", "h0")).statusCode());
      heap.set(0.85);
      HttpResponse<String> shed = send(postEvent(base, "heap-user", "h1"));
      assertLimited(shed, 503);
      assertEquals("7", shed.headers().firstValue("Retry-After").orElseThrow());
      assertTrue(shed.body().contains("memory"), shed.body());
      assertLimited(send(get(base, "/v1/users/heap-new/recommendations")), 503);
      assertLimited(send(get(base, "/v1/users/heap-user")), 503);
      assertEquals(
          200, send(get(base, "/health/ready")).statusCode(), "health answers under pressure");
      assertEquals(200, send(get(base, "/v1/items?limit=1")).statusCode(), "listings answer");
      assertEquals(200, send(get(base, "/metrics")).statusCode(), "metrics answer");
      assertEquals(3.0, limited(node, "heap", "any"));
      heap.set(0.5);
      HttpResponse<String> summary = send(get(base, "/v1/users/heap-user"));
      assertEquals(200, summary.statusCode());
      assertEquals(
          1, Json.MAPPER.readTree(summary.body()).get("eventCount").asInt(), "h1 never stored");
      heap.set(0.85);
      HttpResponse<String> forget = send(get(base, "/v1/users/heap-user").DELETE());
      assertEquals(204, forget.statusCode(), "a delete frees memory: still served");
    }
  }

  @Test
  void theHeapGaugeReadsTheHeapLeftAfterACollection() throws Exception {
    HeapGauge.afterLastGc(); // installs the listener
    System.gc();
    double f = 0;
    for (int i = 0; i < 50 && f == 0; i++) {
      Thread.sleep(100);
      f = HeapGauge.afterLastGc();
    }
    assertTrue(f > 0 && f < 1, "fraction after GC " + f);
  }

  @Test
  void userActorsBeyondTheActiveEntityLimitArePassivatedAndRecoverTheirHistory() throws Exception {
    try (TestNode node =
        new TestNode(
            "akka.cluster.sharding.number-of-shards = 1\n"
                + "akka.cluster.sharding.passivation.strategy = default-strategy\n"
                + "akka.cluster.sharding.passivation.default-strategy.active-entity-limit = 5\n")) {
      for (int u = 0; u < 20; u++) {
        assertEquals(200, send(postEvent(node.base(), "limit-user-" + u, "l0")).statusCode());
      }
      double active = node.registry.get("carousel.users.active").gauge().value();
      for (int i = 0; i < 50 && active > 5; i++) {
        Thread.sleep(100);
        active = node.registry.get("carousel.users.active").gauge().value();
      }
      assertTrue(active <= 5, "at most 5 user actors in memory, got " + active);
      for (int u = 0; u < 20; u++) {
        HttpResponse<String> r = send(get(node.base(), "/v1/users/limit-user-" + u));
        assertEquals(
            1,
            Json.MAPPER.readTree(r.body()).get("eventCount").asInt(),
            "user " + u + " recovered");
      }
    }
  }

  @Test
  void theShippedConfigurationLimitsActiveUserActors() {
    com.typesafe.config.Config c =
        com.typesafe.config.ConfigFactory.parseResources("cluster.conf").resolve();
    assertEquals("default-strategy", c.getString("akka.cluster.sharding.passivation.strategy"));
    assertEquals(
        100_000,
        c.getInt("akka.cluster.sharding.passivation.default-strategy.active-entity-limit"));
    assertEquals(
        Duration.ofMinutes(2),
        c.getDuration("akka.cluster.sharding.passivation.default-strategy.idle-entity.timeout"));
  }
}
