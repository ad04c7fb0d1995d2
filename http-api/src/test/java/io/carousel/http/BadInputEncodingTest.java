package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Regression tests for the defects the second hardening pass found in how bodies and query
 * parameters are read: each bad request is a 4xx problem naming the field and persists nothing.
 */
class BadInputEncodingTest extends HttpTestBase {
  private static String user() {
    return "enc-" + UUID.randomUUID();
  }

  private static String event(String user, String ts) {
    return "{\"userId\":\""
        + user
        + "\",\"itemId\":\"item-1\",\"type\":\"click\",\"timestamp\":"
        + ts
        + "}";
  }

  private static HttpResponse<String> post(byte[] body, String... headers) throws Exception {
    return post("application/json", body, headers);
  }

  private static HttpResponse<String> post(String contentType, byte[] body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(node.base() + "/v1/events"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    b.header("Content-Type", contentType);
    if (headers.length > 0) {
      b.headers(headers);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static long eventCount(String user) throws Exception {
    HttpResponse<String> r = get("/v1/users/" + user);
    assertEquals(200, r.statusCode(), r.body());
    return Json.MAPPER.readTree(r.body()).get("eventCount").asLong();
  }

  private static void assertProblem(HttpResponse<String> r, int status, String field)
      throws Exception {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
    JsonNode p = Json.MAPPER.readTree(r.body());
    assertNotNull(p.get("field"), r.body());
    assertEquals(field, p.get("field").asText(), r.body());
  }

  @Test
  void compressedBodyIs415NamingContentEncoding() throws Exception {
    String user = user();
    byte[] json = event(user, "1000").getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(json);
    }
    assertProblem(post(gz.toByteArray(), "Content-Encoding", "gzip"), 415, "Content-Encoding");
    // An unknown coding over plain JSON bytes was accepted as if uncompressed.
    assertProblem(post(json, "Content-Encoding", "br"), 415, "Content-Encoding");
    assertEquals(0, eventCount(user));
    assertEquals(200, post(json, "Content-Encoding", "identity").statusCode());
    assertEquals(1, eventCount(user));
  }

  @Test
  void bodyThatIsNotUtf8Is400AndStoresNoReplacementCharacter() throws Exception {
    String user = user();
    byte[] latin1 =
        event(user + "-caf\u00e9", "1000").getBytes(StandardCharsets.ISO_8859_1); // é = 0xE9
    assertProblem(post(latin1), 400, "body");
    assertProblem(post("application/x-ndjson", latin1), 400, "body");
    // Declared as Latin-1: the charset is refused up front (415), not misread as broken UTF-8.
    assertProblem(post("application/json; charset=iso-8859-1", latin1), 415, "Content-Type");
    // No user with U+FFFD in its id can exist: such ids are refused everywhere, the path included
    // (BadInputTest.pathBytesThatAreNotUtf8AreRejectedNotFoldedIntoOneUser).
    byte[] utf8 = event(user + "-caf\u00e9", "1000").getBytes(StandardCharsets.UTF_8);
    assertEquals(200, post(utf8).statusCode());
    assertEquals(1, eventCount(user + "-caf%C3%A9"));
  }

  @Test
  void isoTimestampBefore1970IsRejectedLikeNegativeEpochMillis() throws Exception {
    String user = user();
    byte[] iso = event(user, "\"1969-12-31T23:59:59Z\"").getBytes(StandardCharsets.UTF_8);
    assertProblem(post(iso), 422, "timestamp");
    assertProblem(post(event(user, "-1").getBytes(StandardCharsets.UTF_8)), 422, "timestamp");
    assertEquals(0, eventCount(user));
  }

  @Test
  void queryIntegersAreAsciiAndNameTheirOwnField() throws Exception {
    for (String k : new String[] {"%D9%A3", "%EF%BC%93"}) { // Arabic-Indic and full-width 3
      HttpResponse<String> r = get("/v1/users/" + user() + "/recommendations?k=" + k);
      assertProblem(r, 400, "k");
    }
    assertEquals(3, recommended("k=%2B3"));
    assertProblem(get("/v1/items?offset=-1"), 400, "offset");
    assertProblem(get("/v1/items?offset=x&limit=5"), 400, "offset");
    assertProblem(get("/v1/items?limit=0"), 400, "limit");
    assertProblem(get("/v1/items?limit=%D9%A3"), 400, "limit");
    HttpResponse<String> far = get("/v1/items?offset=2147483647&limit=1000");
    assertEquals(200, far.statusCode(), far.body());
    assertEquals(0, Json.MAPPER.readTree(far.body()).get("items").size());
  }

  private static int recommended(String query) throws Exception {
    HttpResponse<String> r = get("/v1/users/" + user() + "/recommendations?" + query);
    assertEquals(200, r.statusCode(), r.body());
    return Json.MAPPER.readTree(r.body()).get("items").size();
  }

  @Test
  void itemRepeatedInOneUpsertIsCreatedOnce() throws Exception {
    String id = "rep-" + UUID.randomUUID();
    String body = "{\"itemId\":\"" + id + "\",\"title\":\"A\"}\n{\"itemId\":\"" + id + "\"}\n";
    HttpResponse<String> r = send("PUT", "/v1/items", "application/x-ndjson", body);
    assertEquals(201, r.statusCode(), r.body());
    JsonNode res = Json.MAPPER.readTree(r.body());
    assertEquals(1, res.get("created").asInt(), r.body());
    assertEquals(1, res.get("updated").asInt(), r.body());
  }
}
