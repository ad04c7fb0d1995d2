package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CarouselRoutesTest extends HttpTestBase {

  private static HttpResponse<String> post(String contentType, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(node.base() + "/v1/events"))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return Json.MAPPER.readTree(r.body());
  }

  private static String event(String user, String eventId, String item) {
    return "{\"eventId\":\""
        + eventId
        + "\",\"userId\":\""
        + user
        + "\",\"itemId\":\""
        + item
        + "\",\"type\":\"click\",\"timestamp\":\"2026-11-29T10:00:00Z\"}";
  }

  private static long eventCount(String user) throws Exception {
    HttpResponse<String> r = get("/v1/users/" + user);
    assertEquals(200, r.statusCode());
    return json(r).get("eventCount").asLong();
  }

  @Test
  void acceptsEventAndCountsItInProfile() throws Exception {
    String user = "u-" + UUID.randomUUID();
    HttpResponse<String> r = post("application/json", event(user, "e1", "item-3"));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("accepted", json(r).get("status").asText());
    assertEquals(
        "duplicate",
        json(post("application/json", event(user, "e1", "item-3"))).get("status").asText());
    JsonNode profile = json(get("/v1/users/" + user));
    assertEquals(1, profile.get("eventCount").asLong());
    assertEquals(1, profile.get("eventsByType").get("click").asLong());
    assertEquals("2026-11-29T10:00:00Z", profile.get("lastEventTime").asText());
  }

  @Test
  void rejectsMalformedJsonWithProblemAndChangesNothing() throws Exception {
    String user = "u-" + UUID.randomUUID();
    post("application/json", event(user, "e1", "item-1"));
    HttpResponse<String> r = post("application/json", "{\"userId\":\"" + user + "\", \"itemId\": ");
    assertEquals(400, r.statusCode());
    assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
    JsonNode problem = json(r);
    assertEquals(400, problem.get("status").asInt());
    assertTrue(problem.get("detail").asText().startsWith("malformed JSON"), problem.toString());
    assertEquals(1, eventCount(user), "nothing persisted");
  }

  @Test
  void namesTheFieldOfAnInvalidInput() throws Exception {
    String user = "u-" + UUID.randomUUID();
    HttpResponse<String> r =
        post("application/json", event(user, "e1", "item-1").replace("click", "teleport"));
    assertEquals(422, r.statusCode());
    assertEquals("type", json(r).get("field").asText());
    assertEquals(0, eventCount(user));
  }

  @Test
  void newShopperGetsPopularItemsAndContextSteersTheSlate() throws Exception {
    String user = "u-" + UUID.randomUUID();
    // In the test catalogue popularity grows with the index: item-39 is the most popular.
    Set<String> cold = slateItems(user, 5);
    assertTrue(cold.contains("item-39") || cold.contains("item-38"), cold.toString());
    Set<String> viewing = new HashSet<>();
    json(get("/v1/users/" + user + "/recommendations?k=5&context=item-3"))
        .get("items")
        .forEach(i -> viewing.add(i.get("itemId").asText()));
    assertTrue(!viewing.contains("item-3") && viewing.contains("item-0"), viewing.toString());
    assertEquals(400, get("/v1/users/" + user + "/recommendations?context=%01").statusCode());
    assertEquals(0, eventCount(user), "recommendations change no counts");
  }

  @Test
  void exposesPrometheusMetricsAndPolicyStats() throws Exception {
    String user = "u-" + UUID.randomUUID();
    // A known shopper (only their slates are logged and rewarded).
    assertEquals(200, post("application/json", event(user, "m0", "item-9")).statusCode());
    JsonNode slate = json(get("/v1/users/" + user + "/recommendations?k=4"));
    String served = slate.get("items").get(0).get("itemId").asText();
    assertEquals(200, post("application/json", event(user, "m1", served)).statusCode());
    // The slate stays open: the pool, shared by this class's tests, learns it only when the next
    // slate closes it (LivePolicyTest counts every closed impression in the pool).
    String metrics = get("/metrics").body();
    assertTrue(metrics.contains("carousel_events_ingested_total{type=\"click\"}"), metrics);
    assertTrue(metrics.contains("route=\"/v1/users/{userId}/recommendations\""), "route template");
    assertTrue(metrics.contains("carousel_persist_latency_seconds_count"));
    assertTrue(metrics.contains("carousel_online_ctr{policy=\"epsilon-greedy\"}"));
    // The pool's gauge is exported; the click reached the trend popularities.
    assertTrue(
        java.util.regex.Pattern.compile(
                "(?m)^carousel_pool_impressions\\{policy=\"epsilon-greedy\"[^}]*} [0-9]")
            .matcher(metrics)
            .find(),
        "pool gauge");
    assertTrue(
        java.util.regex.Pattern.compile("(?m)^carousel_trends_interactions [1-9]")
            .matcher(metrics)
            .find(),
        "trends gauge");
    JsonNode stats = json(get("/v1/stats")).get("policies").get("epsilon-greedy");
    assertTrue(stats.get("impressions").asLong() >= 4, stats.toString());
    assertTrue(stats.get("clicks").asLong() >= 1, "the click on a served item counts");
    assertTrue(stats.get("ctr").asDouble() > 0);
  }

  private static HttpResponse<String> send(String method, String path, String body)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(node.base() + path))
            .header("Content-Type", "application/x-ndjson")
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Set<String> slateItems(String user, int k) throws Exception {
    Set<String> ids = new HashSet<>();
    json(get("/v1/users/" + user + "/recommendations?k=" + k))
        .get("items")
        .forEach(i -> ids.add(i.get("itemId").asText()));
    return ids;
  }

  @Test
  void outOfStockAndDeletedItemsLeaveTheNextSlate() throws Exception {
    String user = "u-" + UUID.randomUUID();
    // A shopper with history, so the model (here: lower index scores higher) ranks the slate.
    post("application/json", event(user, "h0", "item-20"));
    Set<String> before = slateItems(user, 5);
    assertTrue(before.contains("item-0") && before.contains("item-1"), before.toString());
    HttpResponse<String> put =
        send(
            "PUT",
            "/v1/items",
            "{\"itemId\":\"item-0\",\"title\":\"Zero\",\"inStock\":false}\n"
                + "{\"itemId\":\"item-new\",\"title\":\"New\",\"price\":4.5}\n"
                + "{\"itemId\":\"item-2\",\"price\":\"cheap\"}\n");
    // item-new is new (201); item-0, trained on, counts as updated on its first upsert.
    assertEquals(201, put.statusCode(), put.body());
    assertEquals(1, json(put).get("created").asInt(), put.body());
    assertEquals(1, json(put).get("updated").asInt(), put.body());
    assertEquals(1, json(put).get("rejected").asInt());
    assertEquals("price", json(put).get("results").get(2).get("field").asText());
    assertEquals(204, send("DELETE", "/v1/items/item-1", "").statusCode());
    Set<String> after = Set.of();
    for (int attempt = 0; attempt < 50; attempt++) {
      after = slateItems(user, 5);
      if (!after.contains("item-0") && !after.contains("item-1")) {
        break;
      }
      Thread.sleep(50);
    }
    assertTrue(!after.contains("item-0"), "out of stock is gone: " + after);
    assertTrue(!after.contains("item-1"), "deleted is gone: " + after);
    assertEquals(5, after.size());
    assertEquals(422, send("PUT", "/v1/items", "{\"title\":\"no id\"}").statusCode());
  }

  @Test
  void rejectsEventFromTheFarFuture() throws Exception {
    String user = "u-" + UUID.randomUUID();
    HttpResponse<String> r =
        post("application/json", event(user, "f1", "item-1").replace("2026-11-29", "2099-01-01"));
    assertEquals(422, r.statusCode(), r.body());
    assertEquals("timestamp", json(r).get("field").asText());
    assertEquals(0, eventCount(user));
  }

  @Test
  void forgetsUserAndStartsFresh() throws Exception {
    String user = "u-" + UUID.randomUUID();
    post("application/json", event(user, "g1", "item-1"));
    post("application/json", event(user, "g2", "item-2"));
    assertEquals(2, eventCount(user));
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(node.base() + "/v1/users/" + user)).DELETE().build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(204, r.statusCode(), r.body());
    assertEquals(0, eventCount(user));
    assertEquals(
        "accepted",
        json(post("application/json", event(user, "g1", "item-1"))).get("status").asText(),
        "a later event starts a fresh user");
    assertEquals(1, eventCount(user));
  }

  @Test
  void rejectsWrongContentTypeAndOversizedBody() throws Exception {
    HttpResponse<String> r = post("text/plain", event("u", "e", "item-1"));
    assertEquals(415, r.statusCode());
    assertEquals("Content-Type", json(r).get("field").asText());
    HttpResponse<String> big = post("application/x-ndjson", event("u", "e", "x".repeat(5000)));
    assertEquals(413, big.statusCode(), big.body());
  }

  @Test
  void batchRejectsBadLineAndPersistsGoodOnes() throws Exception {
    String user = "u-" + UUID.randomUUID();
    String body =
        event(user, "b1", "item-1") + "\n{not json}\n" + event(user, "b2", "item-2") + "\n";
    HttpResponse<String> r = post("application/x-ndjson", body);
    assertEquals(200, r.statusCode(), r.body());
    JsonNode result = json(r);
    assertEquals(2, result.get("accepted").asInt());
    assertEquals(1, result.get("rejected").asInt());
    assertEquals(2, result.get("results").get(1).get("line").asInt());
    assertEquals(2, eventCount(user));
  }

  @Test
  void servesSlateAndValidatesK() throws Exception {
    String user = "u-" + UUID.randomUUID();
    HttpResponse<String> r =
        get("/v1/users/" + user + "/recommendations?k=5&exclude=item-0,item-1");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode slate = json(r);
    Set<String> ids = new HashSet<>();
    slate.get("items").forEach(i -> ids.add(i.get("itemId").asText()));
    assertEquals(5, ids.size());
    assertTrue(!ids.contains("item-0") && !ids.contains("item-1"), ids.toString());
    assertEquals("epsilon-greedy", slate.get("policy").asText());
    for (String bad : new String[] {"0", "-3", "abc", "100000"}) {
      HttpResponse<String> b = get("/v1/users/" + user + "/recommendations?k=" + bad);
      assertEquals(400, b.statusCode(), bad);
      assertEquals("k", json(b).get("field").asText());
    }
    assertEquals(404, get("/v1/nothing-here").statusCode());
  }

  @Test
  void pushesSlateOverWebSocketAfterEvent() throws Exception {
    String user = "u-" + UUID.randomUUID();
    BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    WebSocket ws =
        HTTP.newWebSocketBuilder()
            .buildAsync(
                URI.create(node.base().replace("http", "ws") + "/v1/users/" + user + "/stream?k=3"),
                new WebSocket.Listener() {
                  private final StringBuilder sb = new StringBuilder();

                  @Override
                  public CompletionStage<?> onText(WebSocket w, CharSequence d, boolean last) {
                    sb.append(d);
                    if (last) {
                      messages.add(sb.toString());
                      sb.setLength(0);
                    }
                    w.request(1);
                    return null;
                  }
                })
            .get(5, TimeUnit.SECONDS);
    JsonNode first = Json.MAPPER.readTree(messages.poll(5, TimeUnit.SECONDS));
    assertEquals("subscribe", first.get("trigger").asText());
    assertEquals(200, post("application/json", event(user, "w1", "item-0")).statusCode());
    JsonNode pushed = Json.MAPPER.readTree(messages.poll(5, TimeUnit.SECONDS));
    assertEquals("event", pushed.get("trigger").asText());
    assertEquals(3, pushed.get("items").size());
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
  }
}
