package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.carousel.http.ingest.EventParser;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Bad input against a real node ({@link TestNode}): every bad request gets the status of DESIGN §5,
 * an {@code application/problem+json} body naming the field, and persists nothing. Tests named The
 * regression tests at the end pin defects this class found and that are now fixed.
 */
class BadInputTest extends HttpTestBase {
  private static final String PROBLEM = "application/problem+json";
  private static final String TS = "\"2026-11-29T10:00:00Z\"";

  private static HttpResponse<String> postEvent(String ct, String body) throws Exception {
    return send("POST", "/v1/events", ct, body);
  }

  private static String enc(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static long eventCount(String user) throws Exception {
    HttpResponse<String> r = get("/v1/users/" + enc(user));
    assertEquals(200, r.statusCode(), r.body());
    return Json.MAPPER.readTree(r.body()).get("eventCount").asLong();
  }

  private static String user() {
    return "bad-" + UUID.randomUUID();
  }

  /** An event body for {@code user} with the given raw JSON timestamp and extra members. */
  private static String event(String user, String timestamp, String extra) {
    return "{\"userId\":\""
        + user
        + "\",\"itemId\":\"item-1\",\"type\":\"click\",\"timestamp\":"
        + timestamp
        + extra
        + "}";
  }

  /** Asserts a problem+json response with {@code status}; returns the problem body. */
  private static JsonNode assertProblem(HttpResponse<String> r, int status, String field)
      throws Exception {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals(PROBLEM, r.headers().firstValue("Content-Type").orElse(""), r.body());
    JsonNode p = Json.MAPPER.readTree(r.body());
    assertEquals(status, p.get("status").asInt(), r.body());
    assertNotNull(p.get("title"), r.body());
    if (field != null) {
      assertNotNull(p.get("field"), "problem names the field: " + r.body());
      assertEquals(field, p.get("field").asText(), r.body());
    }
    return p;
  }

  // ---- confirmed good behaviour ----

  @Test
  void malformedJsonOfManyShapesIs400NamingBodyAndPersistsNothing() throws Exception {
    String user = user();
    List<String> bodies =
        List.of(
            "{",
            "}",
            "{\"userId\":\"" + user + "\",",
            "[",
            "[]",
            "[" + event(user, TS, "") + "]",
            "null",
            "1",
            "\"x\"",
            "true",
            "",
            "   ",
            event(user, TS, "") + " x",
            event(user, TS, "") + event(user, TS, ""),
            "{'userId':'" + user + "'}",
            "{userId:\"" + user + "\"}",
            event(user, TS, ","),
            event(user, "NaN", ""),
            "\uFEFF" + event(user, TS, ""));
    for (String body : bodies) {
      assertProblem(postEvent("application/json", body), 400, "body");
    }
    assertEquals(0, eventCount(user));
  }

  @Test
  void wrongFieldTypesAndValuesAre422NamingTheField() throws Exception {
    String user = user();
    String[][] cases = {
      {"{\"userId\":123,\"itemId\":\"i\",\"type\":\"click\",\"timestamp\":0}", "userId"},
      {"{\"userId\":null,\"itemId\":\"i\",\"type\":\"click\",\"timestamp\":0}", "userId"},
      {
        "{\"userId\":[\"" + user + "\"],\"itemId\":\"i\",\"type\":\"click\",\"timestamp\":0}",
        "userId"
      },
      {"{\"userId\":\"" + user + "\",\"itemId\":{},\"type\":\"click\",\"timestamp\":0}", "itemId"},
      {"{\"userId\":\"" + user + "\",\"type\":\"click\",\"timestamp\":0}", "itemId"},
      {
        "{\"userId\":\"" + user + "\",\"itemId\":\"i\",\"type\":\"teleport\",\"timestamp\":0}",
        "type"
      },
      {"{\"userId\":\"" + user + "\",\"itemId\":\"i\",\"type\":5,\"timestamp\":0}", "type"},
      {event(user, "-1", ""), "timestamp"},
      {event(user, "1e400", ""), "timestamp"},
      {event(user, "99999999999999999999999", ""), "timestamp"},
      {event(user, "9223372036854775807", ""), "timestamp"},
      {event(user, "\"1795900000000\"", ""), "timestamp"},
      {event(user, "\"2026-11-29T10:00:00\"", ""), "timestamp"},
      {event(user, "\"2026-11-29\"", ""), "timestamp"},
      {event(user, "\"+10000-01-01T00:00:00Z\"", ""), "timestamp"},
      {event(user, "null", ""), "timestamp"},
      {event(user, "true", ""), "timestamp"},
      {event(user, "{}", ""), "timestamp"},
      {event(user, TS, ",\"slateId\":5"), "slateId"},
      {event(user, TS, ",\"eventId\":\"\""), "eventId"},
      {event(user, TS, ",\"eventId\":\"   \""), "eventId"},
    };
    for (String[] c : cases) {
      assertProblem(postEvent("application/json", c[0]), 422, c[1]);
    }
    assertEquals(0, eventCount(user));
  }

  @Test
  void idsOverTheLimitOrWithControlCharactersAre422() throws Exception {
    String[] bad = {"", "   ", "x".repeat(257), "\uD83D\uDE00".repeat(129)};
    for (String id : bad) {
      assertProblem(postEvent("application/json", event(id, TS, "")), 422, "userId");
    }
    for (String escaped : new String[] {"\\u0000", "\\u0001", "\\n", "\\u007f", "\\u0085"}) {
      String user = user();
      assertProblem(postEvent("application/json", event(user + escaped, TS, "")), 422, "userId");
      String itemBad = event(user, TS, "").replace("\"item-1\"", "\"item" + escaped + "\"");
      assertProblem(postEvent("application/json", itemBad), 422, "itemId");
      assertEquals(0, eventCount(user));
    }
    // the same limits on the path: 400 naming userId
    assertProblem(get("/v1/users/" + "x".repeat(257)), 400, "userId");
    assertProblem(get("/v1/users/a%01b"), 400, "userId");
    assertProblem(get("/v1/users/%20"), 400, "userId");
    assertProblem(get("/v1/users/a%00b/recommendations"), 400, "userId");
  }

  @Test
  void pathBytesThatAreNotUtf8AreRejectedNotFoldedIntoOneUser() throws Exception {
    // Decoded, %FF, %C3 and a UTF-8-encoded surrogate all become U+FFFD: three ids, one user.
    for (String path : new String[] {"rep%FF", "rep%C3", "rep%ED%A0%80", "rep%EF%BF%BD"}) {
      assertProblem(get("/v1/users/" + path), 400, "userId");
      assertProblem(get("/v1/users/" + path + "/recommendations?k=2"), 400, "userId");
    }
  }

  @Test
  void getFormExcludeIdsAreValidatedLikeEveryOtherIdAndServeNothing() throws Exception {
    String user = user();
    assertEquals(200, postEvent("application/json", event(user, TS, "")).statusCode());
    for (String bad : new String[] {"..", "..%2Fx", "%00", "a%01b", "x".repeat(257), "x%2F.%2Fy"}) {
      assertProblem(
          get("/v1/users/" + user + "/recommendations?k=2&exclude=" + bad), 400, "exclude");
    }
    HttpResponse<String> summary = get("/v1/users/" + user);
    assertEquals(0, Json.MAPPER.readTree(summary.body()).get("slatesServed").asInt());
  }

  @Test
  void unicodeAndUrlHostileIdsAreAcceptedAndReachableThroughTheEncodedPath() throws Exception {
    String[] ids = {
      "😀-" + UUID.randomUUID(),
      "用户-" + UUID.randomUUID(),
      "a/b-" + UUID.randomUUID(),
      "a%2Fb-" + UUID.randomUUID(),
      "a b?c#d;e+f-" + UUID.randomUUID(),
      "zw\u200B-" + UUID.randomUUID(),
    };
    for (String id : ids) {
      HttpResponse<String> r =
          postEvent("application/json", Json.MAPPER.writeValueAsString(eventMap(id)));
      assertEquals(200, r.statusCode(), id + " " + r.body());
      assertEquals(1, eventCount(id), id);
      HttpResponse<String> profile = get("/v1/users/" + enc(id));
      assertEquals(id, Json.MAPPER.readTree(profile.body()).get("userId").asText());
    }
  }

  private static java.util.Map<String, Object> eventMap(String user) {
    return java.util.Map.of(
        "userId", user, "itemId", "item-1", "type", "click", "timestamp", 1795900000000L);
  }

  @Test
  void unknownFieldsAreTolerated() throws Exception {
    String user = user();
    HttpResponse<String> r =
        postEvent(
            "application/json",
            event(user, TS, ",\"foo\":{\"bar\":[1,null,{}]},\"price\":1e999,\"x\":\"\\u0001\""));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(1, eventCount(user));
  }

  @Test
  void contentTypeIsCheckedAndCharsetVariantsAreAccepted() throws Exception {
    String user = user();
    String body = event(user, TS, ",\"eventId\":\"ct-1\"");
    for (String ct :
        new String[] {
          null, "text/plain", "application/problem+json", "application/x-www-form-urlencoded"
        }) {
      assertProblem(postEvent(ct, body), 415, "Content-Type");
      assertProblem(send("PUT", "/v1/items", ct, "{\"itemId\":\"x\"}"), 415, "Content-Type");
    }
    assertEquals(0, eventCount(user));
    assertEquals(200, postEvent("application/json; charset=utf-8", body).statusCode());
    assertEquals(200, postEvent("application/json;charset=UTF-8", body).statusCode());
    HttpResponse<String> nd = postEvent("application/x-ndjson", body);
    assertEquals(200, nd.statusCode(), nd.body());
    assertEquals(
        "duplicate", Json.MAPPER.readTree(nd.body()).get("results").get(0).get("status").asText());
    assertEquals(1, eventCount(user));
  }

  @Test
  void oversizedBodyIs413ProblemAndPersistsNothing() throws Exception {
    String user = user();
    String big = event(user, TS, ",\"pad\":\"" + "x".repeat(5000) + "\"");
    assertProblem(postEvent("application/json", big), 413, null);
    String batch = event(user, TS, ",\"eventId\":\"ok\"") + "\n" + big + "\n";
    assertProblem(postEvent("application/x-ndjson", batch), 413, null);
    assertProblem(send("PUT", "/v1/items", "application/x-ndjson", big), 413, null);
    assertEquals(0, eventCount(user));
  }

  @Test
  void ndjsonWithCrlfBlankLinesAndTrailingGarbageKeepsGoodLines() throws Exception {
    String user = user();
    String body =
        event(user, TS, ",\"eventId\":\"a\"")
            + "\r\n\r\n   \n"
            + event(user, TS, ",\"eventId\":\"b\"")
            + "\r\n{garbage\n";
    HttpResponse<String> r = postEvent("application/x-ndjson", body);
    assertEquals(200, r.statusCode(), r.body());
    JsonNode res = Json.MAPPER.readTree(r.body());
    assertEquals(2, res.get("accepted").asInt());
    assertEquals(1, res.get("rejected").asInt());
    assertEquals(5, res.get("results").get(2).get("line").asInt());
    assertEquals(2, eventCount(user));

    assertProblem(postEvent("application/x-ndjson", "\n\r\n  \n"), 400, "body");
    String allBad = user();
    HttpResponse<String> bad =
        postEvent(
            "application/x-ndjson",
            event(allBad, "-5", "") + "\n" + event(allBad, TS, "").replace("click", "x") + "\n");
    JsonNode p = assertProblem(bad, 422, "timestamp");
    assertEquals(2, p.get("errors").size());
    assertEquals(0, eventCount(allBad));
  }

  @Test
  void jsonLinesSentAsApplicationJsonAreOneMalformedBody() throws Exception {
    String user = user();
    String body =
        event(user, TS, ",\"eventId\":\"a\"") + "\n" + event(user, TS, ",\"eventId\":\"b\"");
    assertProblem(postEvent("application/json", body), 400, "body");
    assertEquals(0, eventCount(user));
  }

  @Test
  void kIsValidated() throws Exception {
    String user = user();
    for (String k :
        new String[] {"0", "-1", "1.5", "1e3", "101", "", "abc", "0x10", "99999999999"}) {
      assertProblem(get("/v1/users/" + user + "/recommendations?k=" + k), 400, "k");
      assertProblem(get("/v1/users/" + user + "/stream?k=" + k), 400, "k");
    }
    JsonNode slate =
        Json.MAPPER.readTree(get("/v1/users/" + user + "/recommendations?k=%205%20").body());
    assertEquals(5, slate.get("items").size());
    HttpResponse<String> weird =
        get("/v1/users/" + user + "/recommendations?k=3&exclude=&exclude=,,,&exclude=%20,item-0");
    assertEquals(200, weird.statusCode(), weird.body());
    // Blank entries are ignored; a control character is an invalid id, as everywhere else.
    assertProblem(
        get("/v1/users/" + user + "/recommendations?k=3&exclude=%00,item-0"), 400, "exclude");
    Set<String> ids = new HashSet<>();
    Json.MAPPER.readTree(weird.body()).get("items").forEach(i -> ids.add(i.get("itemId").asText()));
    assertFalse(ids.contains("item-0"), ids.toString());
    assertEquals(3, ids.size());
  }

  @Test
  void wrongMethodsAndUnknownPathsGetProblemJson() throws Exception {
    assertProblem(send("PUT", "/v1/events", "application/json", "{}"), 405, null);
    assertProblem(get("/v1/events"), 405, null);
    assertProblem(send("OPTIONS", "/v1/events", null, null), 405, null);
    assertProblem(send("PATCH", "/v1/users/someone", "application/json", "{}"), 405, null);
    assertProblem(
        send("PUT", "/v1/users/someone/recommendations", "application/json", "{}"), 405, null);
    assertProblem(send("PATCH", "/v1/items", "application/json", "{}"), 405, null);
    assertProblem(get("/v1/nope"), 404, null);
    assertProblem(get("/v2/events"), 404, null);
    assertProblem(get("/v1/users"), 404, null);
    assertProblem(get("/v1/users/someone/unknown"), 404, null);
    assertProblem(send("DELETE", "/v1/items/a/b", null, null), 404, null);
    assertProblem(get("/v1/users/someone/stream"), 400, null); // not a WebSocket upgrade
  }

  @Test
  void itemUpsertAbuseIsRejectedPerLine() throws Exception {
    String[][] cases = {
      {"{\"itemId\":\"n1\",\"price\":-1}", "price"},
      {"{\"itemId\":\"n1\",\"price\":\"1\"}", "price"},
      {"{\"itemId\":\"n1\",\"price\":1e400}", "price"},
      {"{\"itemId\":\"n1\",\"inStock\":\"false\"}", "inStock"},
      {"{\"itemId\":\"n1\",\"inStock\":0}", "inStock"},
      {"{\"itemId\":\"n1\",\"title\":5}", "title"},
      {"{\"itemId\":\"\"}", "itemId"},
      {"{\"itemId\":\"a\\u0001\"}", "itemId"},
      {"{\"itemId\":\"" + "y".repeat(257) + "\"}", "itemId"},
      {"{\"itemId\":\"n1\",\"category\":\"" + "c".repeat(101) + "\"}", "category"},
      {"{\"itemId\":\"n1\",\"title\":\"" + "t".repeat(1001) + "\"}", "title"},
    };
    for (String[] c : cases) {
      assertProblem(send("PUT", "/v1/items", "application/json", c[0]), 422, c[1]);
    }
    for (String body : new String[] {"[{\"itemId\":\"n1\"}]", "null", "{"}) {
      assertProblem(send("PUT", "/v1/items", "application/json", body), 400, null);
    }
    assertProblem(send("PUT", "/v1/items", "application/json", ""), 400, "body");
  }

  @Test
  void itemBatchOfMoreThan1000LinesIs413NamingBody() throws Exception {
    JsonNode p =
        assertProblem(
            send("PUT", "/v1/items", "application/x-ndjson", "{}\n".repeat(1001)), 413, "body");
    assertTrue(p.get("detail").asText().contains("at most 1000 non-blank lines"), p.toString());
    // 1,000 lines are accepted (and here all rejected one by one).
    assertProblem(
        send("PUT", "/v1/items", "application/x-ndjson", "{}\n".repeat(1000)), 422, "itemId");
  }

  // ---- regressions: defects found by this class, fixed ----

  /**
   * Regression: a far-future/far-past ISO year overflows epoch ms: 500 ArithmeticException, not
   * 422.
   */
  @Test
  void rejectsTimestampWithHugeYearAs422() throws Exception {
    String user = user();
    for (String ts :
        new String[] {"\"+300000000-01-01T00:00:00Z\"", "\"-300000000-01-01T00:00:00Z\""}) {
      assertProblem(postEvent("application/json", event(user, ts, "")), 422, "timestamp");
      HttpResponse<String> batch =
          postEvent(
              "application/x-ndjson",
              event(user, TS, ",\"eventId\":\"good\"") + "\n" + event(user, ts, "") + "\n");
      assertEquals(
          200, batch.statusCode(), "one bad line must not fail the batch: " + batch.body());
    }
  }

  /**
   * Regression: an id with an unpaired surrogate passes validation, then the journal serializer
   * rejects the event: the user actor stops and the client gets 503 "retry" forever instead of 422.
   */
  @Test
  void rejectsLoneSurrogateInIdsAs422() throws Exception {
    String user = user();
    String body = event(user, TS, "").replace("\"item-1\"", "\"item\\" + "udc00\"");
    assertProblem(postEvent("application/json", body), 422, "itemId");
  }

  /**
   * Regression: one item line with an unpaired surrogate fails the whole catalogue upsert (503), so
   * the valid lines of the same body are not stored either.
   */
  @Test
  void invalidItemLineDoesNotFailTheGoodLines() throws Exception {
    String body = "{\"itemId\":\"good-item\"}\n{\"itemId\":\"bad\\" + "ud800x\"}\n";
    HttpResponse<String> r = send("PUT", "/v1/items", "application/x-ndjson", body);
    assertEquals(201, r.statusCode(), r.body());
    assertEquals(1, Json.MAPPER.readTree(r.body()).get("rejected").asInt(), r.body());
  }

  /** Regression: DELETE /v1/items/{id} validates nothing and persists a tombstone for any id. */
  @Test
  void deleteItemValidatesTheItemId() throws Exception {
    // Path parameters are validated like userId in a path: 400 naming the field.
    assertProblem(send("DELETE", "/v1/items/a%01b", null, null), 400, "itemId");
    assertProblem(send("DELETE", "/v1/items/%20", null, null), 400, "itemId");
    assertProblem(send("DELETE", "/v1/items/" + "z".repeat(300), null, null), 400, "itemId");
    assertProblem(send("DELETE", "/v1/items/never-existed", null, null), 404, "itemId");
  }

  /**
   * Regression: the 413 problem does not name the field (contract: every problem names the field).
   */
  @Test
  void oversizedBodyProblemNamesTheBodyField() throws Exception {
    String big = event(user(), TS, ",\"pad\":\"" + "x".repeat(5000) + "\"");
    assertProblem(postEvent("application/json", big), 413, "body");
  }

  /**
   * Regression: every 404 under /v1/users/{id}/{lowercase word} becomes its own route label, so
   * request metrics have unbounded cardinality driven by the client.
   */
  @Test
  void unknownUserSubpathsDoNotCreateRouteLabels() throws Exception {
    String suffix = "zz" + UUID.randomUUID().toString().replaceAll("[^a-z]", "");
    assertEquals(404, get("/v1/users/someone/" + suffix).statusCode());
    String metrics = get("/metrics").body();
    assertFalse(metrics.contains(suffix), "route label from a 404 path: " + suffix);
  }

  /**
   * Regression: ids of up to 256 characters are valid, but the embedded (H2) journal keys events by
   * "UserProfile|" + userId in a VARCHAR(255) column: a userId of 244..256 characters passes
   * validation and then fails to persist (503 on every retry). Checked against the shipped schema
   * because TestNode uses the in-memory journal.
   */
  @Test
  void longestValidUserIdFitsTheEmbeddedJournal() throws Exception {
    String ddl;
    try (InputStream in =
        getClass().getClassLoader().getResourceAsStream("schema/h2/h2-create-schema.sql")) {
      assertNotNull(in, "akka-persistence-jdbc H2 schema on the classpath");
      ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Matcher m = Pattern.compile("\"persistence_id\" VARCHAR\\((\\d+)\\)").matcher(ddl);
    assertTrue(m.find(), ddl);
    int column = Integer.parseInt(m.group(1));
    int longest = "UserProfile|".length() + EventParser.MAX_ID_LENGTH;
    assertTrue(
        longest <= column,
        "persistence id of the longest valid userId is " + longest + " chars; column " + column);
  }
}
