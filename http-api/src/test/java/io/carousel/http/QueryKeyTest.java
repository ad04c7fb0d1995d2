package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An API key anywhere in the query string is refused with 400 on every route, open ones included:
 * as any parameter's value, as a parameter's name, inside a longer value, split by a
 * percent-escape. Before, only a parameter whose whole value was a key, on a keyed route, was.
 */
class QueryKeyTest {
  @TempDir static Path dir;
  private static SecuredNode s;

  @BeforeAll
  static void start() throws Exception {
    s = new SecuredNode(dir);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  private static HttpResponse<String> get(String pathAndQuery, boolean withKey) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.base() + pathAndQuery));
    if (withKey) {
      b.header("Authorization", "Bearer " + SecuredNode.ADMIN);
    }
    return s.send(b);
  }

  private static void assertRefused(String pathAndQuery, String field, String key)
      throws Exception {
    for (boolean withKey : new boolean[] {false, true}) {
      HttpResponse<String> r = get(pathAndQuery, withKey);
      assertEquals(400, r.statusCode(), pathAndQuery + " " + r.body());
      JsonNode p = Json.MAPPER.readTree(r.body());
      assertEquals(field, p.get("field").asText(), r.body());
      assertFalse(r.body().contains(key), "the refusal never quotes the key");
    }
  }

  @Test
  void aKeyAnywhereInTheQueryIsRefusedOnEveryRoute() throws Exception {
    String key = SecuredNode.READ;
    String encoded =
        key.substring(0, 5) + "%" + Integer.toHexString(key.charAt(5)) + key.substring(6);
    String[] routes = {"/v1/users/qk-victim/recommendations", "/health/alive", "/v1/items"};
    for (String route : routes) {
      assertRefused(route + "?apikey=" + key, "apikey", key);
      assertRefused(route + "?k=3&note=x" + key + "y", "note", key);
      assertRefused(route + "?" + key, "query", key);
      assertRefused(route + "?" + key + "=1", "query", key);
      assertRefused(route + "?q=" + encoded, "q", key);
      assertRefused(route + "?a=1&" + key + "&b=2", "query", key);
      assertRefused(
          route + "?access_token=" + SecuredNode.ADMIN, "access_token", SecuredNode.ADMIN);
    }
    assertEquals(0, s.eventCount("qk-victim"), "nothing reached the user");
  }

  @Test
  void queriesWithoutAKeyStillWork() throws Exception {
    assertEquals(200, get("/v1/users/qk-ok/recommendations?k=3", true).statusCode());
    assertEquals(200, get("/health/alive?probe=1", false).statusCode());
    assertEquals(
        200,
        get("/v1/items?limit=2&x=" + SecuredNode.READ.substring(0, 15), true).statusCode(),
        "a key's prefix is no key");
  }
}
