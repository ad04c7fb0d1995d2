package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.carousel.http.ingest.EventIngest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The ingestion and input rules of docs/durability.md ("Exactly-once ingestion and input rules"),
 * over real HTTP: a retried batch counts once, epoch seconds are seconds, NFC and NFD ids are one
 * user, blank lines do not count toward the line cap, a non-UTF-8 charset is 415, and an exclude
 * list longer than a URL fits in the POST form of a recommendation request.
 */
class IngestRulesTest extends HttpTestBase {
  /** Runs after the base class's node started: this class needs full-size (1 MiB) bodies. */
  @org.junit.jupiter.api.BeforeAll
  static void fullSizeBodies() throws Exception {
    node.close();
    node = new TestNode("carousel.http.max-body-bytes = 1048576\n");
  }

  private static String user() {
    return "rules-" + UUID.randomUUID();
  }

  private static String event(String user, String eventId, int item, String ts) {
    return "{\"eventId\":\""
        + eventId
        + "\",\"userId\":\""
        + user
        + "\",\"itemId\":\"item-"
        + item
        + "\",\"type\":\"view\",\"timestamp\":"
        + ts
        + "}";
  }

  private static String batch(String user, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(event(user, "e-" + i, i % FixedModel.ITEMS, "\"2026-11-29T10:00:00Z\""))
          .append('\n');
    }
    return b.toString();
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return Json.MAPPER.readTree(r.body());
  }

  private static JsonNode profile(String user) throws Exception {
    HttpResponse<String> r =
        get("/v1/users/" + URLEncoder.encode(user, StandardCharsets.UTF_8).replace("+", "%20"));
    assertEquals(200, r.statusCode(), r.body());
    return json(r);
  }

  @Test
  void retryOfA300LineBatchCountsOnce() throws Exception {
    String user = user();
    HttpResponse<String> first =
        send("POST", "/v1/events", "application/x-ndjson", batch(user, 300));
    assertEquals(200, first.statusCode(), first.body());
    assertEquals(300, json(first).get("accepted").asInt());
    HttpResponse<String> retry =
        send("POST", "/v1/events", "application/x-ndjson", batch(user, 300));
    assertEquals(200, retry.statusCode(), retry.body());
    assertEquals(300, json(retry).get("duplicates").asInt());
    assertEquals(0, json(retry).get("accepted").asInt());
    assertEquals(300, profile(user).get("eventCount").asLong());
  }

  @Test
  void epochSecondsAreReadAsSecondsLikeTheFileReader() throws Exception {
    String user = user();
    HttpResponse<String> r =
        send("POST", "/v1/events", "application/json", event(user, "s-1", 1, "1764410400"));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("2025-11-29T10:00:00Z", profile(user).get("lastEventTime").asText());
    // Milliseconds stay milliseconds; the same rule as engine's file: reader (EventTimes).
    send("POST", "/v1/events", "application/json", event(user, "s-2", 2, "1764410500000"));
    assertEquals("2025-11-29T10:01:40Z", profile(user).get("lastEventTime").asText());
    // Fractional seconds (Python's time.time()) and fractional ms follow the same rule.
    send("POST", "/v1/events", "application/json", event(user, "s-3", 3, "1764410600.25"));
    assertEquals("2025-11-29T10:03:20.250Z", profile(user).get("lastEventTime").asText());
    send("POST", "/v1/events", "application/json", event(user, "s-4", 4, "1.7644107e12"));
    assertEquals("2025-11-29T10:05:00Z", profile(user).get("lastEventTime").asText());
  }

  @Test
  void nfcAndNfdFormsOfAnIdAreOneUser() throws Exception {
    String base = "rené-" + UUID.randomUUID();
    String nfc = Normalizer.normalize(base, Normalizer.Form.NFC);
    String nfd = Normalizer.normalize(base, Normalizer.Form.NFD);
    assertFalse(nfc.equals(nfd));
    assertEquals(
        200,
        send("POST", "/v1/events", "application/json", event(nfc, "n-1", 1, "1764410400"))
            .statusCode());
    assertEquals(
        200,
        send("POST", "/v1/events", "application/json", event(nfd, "n-2", 2, "1764410401"))
            .statusCode());
    // The same event id in the other form is a duplicate, not a new event.
    HttpResponse<String> again =
        send(
            "POST",
            "/v1/events",
            "application/json",
            event(nfd, Normalizer.normalize("é-1", Normalizer.Form.NFD), 3, "1764410402"));
    send("POST", "/v1/events", "application/json", event(nfc, "é-1", 3, "1764410402"));
    assertEquals(200, again.statusCode(), again.body());
    assertEquals(3, profile(nfd).get("eventCount").asLong());
    assertEquals(3, profile(nfc).get("eventCount").asLong());
    assertEquals(nfc, profile(nfd).get("userId").asText());
  }

  @Test
  void blankLinesDoNotCountTowardTheLineCap() throws Exception {
    String user = user();
    String body = batch(user, EventIngest.MAX_BATCH_LINES).replace("\n", "\n\n");
    HttpResponse<String> r = send("POST", "/v1/events", "application/x-ndjson", body);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(EventIngest.MAX_BATCH_LINES, json(r).get("accepted").asInt());
    HttpResponse<String> over =
        send(
            "POST",
            "/v1/events",
            "application/x-ndjson",
            batch(user(), EventIngest.MAX_BATCH_LINES + 1));
    assertEquals(413, over.statusCode(), over.body());
  }

  @Test
  void aBodyDeclaredLatin1Is415NamingContentType() throws Exception {
    String user = user();
    byte[] latin1 =
        event(user, "l-1", 1, "1764410400")
            .replace("l-1", "l-é")
            .getBytes(StandardCharsets.ISO_8859_1);
    for (String type :
        List.of(
            "application/json; charset=ISO-8859-1", "application/x-ndjson; charset=iso-8859-1")) {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(node.base() + "/v1/events"))
                  .header("Content-Type", type)
                  .POST(HttpRequest.BodyPublishers.ofByteArray(latin1))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(415, r.statusCode(), type + ": " + r.body());
      assertEquals("Content-Type", json(r).get("field").asText());
    }
    HttpResponse<String> utf8 =
        send(
            "POST",
            "/v1/events",
            "application/json; charset=utf-8",
            event(user, "l-2", 1, "1764410400"));
    assertEquals(200, utf8.statusCode(), utf8.body());
  }

  @Test
  void postFormTakesAnExcludeListLongerThanAUrl() throws Exception {
    String user = user();
    List<String> exclude = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      exclude.add("not-in-the-catalogue-" + i);
    }
    for (int i = 0; i < FixedModel.ITEMS - 5; i++) {
      exclude.add("item-" + i);
    }
    String body = Json.MAPPER.writeValueAsString(java.util.Map.of("k", 5, "exclude", exclude));
    assertTrue(body.length() > 2048, "longer than Akka HTTP's URI limit");
    HttpResponse<String> r =
        send("POST", "/v1/users/" + user + "/recommendations", "application/json", body);
    assertEquals(200, r.statusCode(), r.body());
    Set<String> served = new HashSet<>();
    json(r).get("items").forEach(i -> served.add(i.get("itemId").asText()));
    assertEquals(5, served.size(), r.body());
    for (String id : served) {
      assertFalse(exclude.contains(id), id + " was excluded");
    }
    HttpResponse<String> bad =
        send(
            "POST",
            "/v1/users/" + user + "/recommendations",
            "application/json",
            "{\"exclude\":\"item-1\"}");
    assertEquals(400, bad.statusCode());
    assertEquals("exclude", json(bad).get("field").asText());
  }

  @Test
  void aBatchWithATimedOutUserSaysPerLineWhatIsDurableAndItsRetryCountsOnce() throws Exception {
    String ok = user();
    String stuck = user();
    // The stuck user's write is rejected: it never answers, its ask times out (3 s).
    akka.persistence.testkit.javadsl.PersistenceTestKit.create(node.kit.system())
        .rejectNextPersisted(io.carousel.user.UserProfile.persistenceIdOf(stuck).id());
    String body = batch(ok, 3) + batch(stuck, 2);
    HttpResponse<String> r = send("POST", "/v1/events", "application/x-ndjson", body);
    assertEquals(503, r.statusCode(), r.body());
    assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
    JsonNode p = json(r);
    assertEquals(3, p.get("accepted").asInt(), r.body());
    assertEquals(2, p.get("unknown").asInt(), r.body());
    assertEquals("accepted", p.get("results").get(0).get("status").asText());
    assertEquals("unknown", p.get("results").get(3).get("status").asText());
    assertEquals(4, p.get("results").get(3).get("line").asInt());
    assertTrue(p.get("detail").asText().contains("Retrying the whole batch is safe"), r.body());
    HttpResponse<String> retry = send("POST", "/v1/events", "application/x-ndjson", body);
    assertEquals(200, retry.statusCode(), retry.body());
    assertEquals(3, json(retry).get("duplicates").asInt(), retry.body());
    assertEquals(2, json(retry).get("accepted").asInt(), retry.body());
    assertEquals(3, profile(ok).get("eventCount").asLong());
    assertEquals(2, profile(stuck).get("eventCount").asLong());
  }

  @Test
  void aTimedOutSingleEventSaysTheOutcomeIsUnknownAndThatARetryIsSafe() throws Exception {
    String user = user();
    akka.persistence.testkit.javadsl.PersistenceTestKit.create(node.kit.system())
        .rejectNextPersisted(io.carousel.user.UserProfile.persistenceIdOf(user).id());
    String e = event(user, "t-1", 1, "1764410400");
    HttpResponse<String> r = send("POST", "/v1/events", "application/json", e);
    assertEquals(503, r.statusCode(), r.body());
    String detail = json(r).get("detail").asText();
    assertTrue(detail.contains("outcome is unknown") && detail.contains("is safe"), detail);
    assertEquals(
        "accepted", json(send("POST", "/v1/events", "application/json", e)).get("status").asText());
    assertEquals(
        "duplicate",
        json(send("POST", "/v1/events", "application/json", e)).get("status").asText());
    assertEquals(1, profile(user).get("eventCount").asLong());
  }
}
