package io.carousel.http;

import static io.carousel.http.SecuredNode.READ;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.http.javadsl.Http;
import akka.http.javadsl.model.headers.RawHeader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CORS allow-list: a preflight from an allowed origin is answered before authentication, another
 * origin gets no CORS header on an actual request and 403 on a preflight.
 */
class CorsTest {
  @TempDir static Path dir;
  static SecuredNode s;
  static final String SHOP = "https://shop.example";

  @BeforeAll
  static void start() throws Exception {
    s = new SecuredNode(dir, Map.of("carousel.http.cors.allowed-origins", List.of(SHOP)));
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  /** What a call answered: status and its CORS headers. */
  private record Answer(int status, Optional<String> allowOrigin, Optional<String> allowHeaders) {}

  /**
   * Calls with Akka's client: {@code Origin} is a restricted header in java.net.http (a browser
   * sets it, a page cannot).
   */
  private static Answer call(String method, String origin, String auth) throws Exception {
    akka.http.javadsl.model.HttpRequest r =
        akka.http.javadsl.model.HttpRequest.create(s.base() + "/v1/users/alice/recommendations")
            .withMethod(akka.http.javadsl.model.HttpMethods.lookup(method).get())
            .addHeader(RawHeader.create("Origin", origin));
    if (method.equals("OPTIONS")) {
      r =
          r.addHeader(RawHeader.create("Access-Control-Request-Method", "GET"))
              .addHeader(RawHeader.create("Access-Control-Request-Headers", "authorization"));
    }
    if (auth != null) {
      r = r.addHeader(RawHeader.create("Authorization", "Bearer " + auth));
    }
    var system = s.node.kit.system();
    akka.http.javadsl.model.HttpResponse response =
        Http.get(system).singleRequest(r).toCompletableFuture().get(10, TimeUnit.SECONDS);
    response.discardEntityBytes(system);
    return new Answer(
        response.status().intValue(),
        response.getHeader("Access-Control-Allow-Origin").map(h -> h.value()),
        response.getHeader("Access-Control-Allow-Headers").map(h -> h.value()));
  }

  @Test
  void anAllowedOriginsPreflightIsAnsweredWithoutCredentialsAndItsRequestsCarryTheHeader()
      throws Exception {
    Answer pre = call("OPTIONS", SHOP, null);
    assertEquals(204, pre.status());
    assertEquals(Optional.of(SHOP), pre.allowOrigin());
    assertTrue(pre.allowHeaders().orElse("").contains("Authorization"));
    Answer get = call("GET", SHOP, READ);
    assertEquals(200, get.status());
    assertEquals(Optional.of(SHOP), get.allowOrigin());
    Answer unauth = call("GET", SHOP, null);
    assertEquals(401, unauth.status());
    assertEquals(Optional.of(SHOP), unauth.allowOrigin());
  }

  @Test
  void anotherOriginGetsNoCorsHeaderAndItsPreflightIs403() throws Exception {
    Answer pre = call("OPTIONS", "https://evil.example", null);
    assertEquals(403, pre.status());
    assertEquals(Optional.empty(), pre.allowOrigin());
    Answer get = call("GET", "https://evil.example", READ);
    assertEquals(200, get.status());
    assertEquals(Optional.empty(), get.allowOrigin());
  }
}
