package io.carousel.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Base of the HTTP tests: one {@link TestNode} per test class and a loopback HTTP client. */
abstract class HttpTestBase {
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static TestNode node;

  @BeforeAll
  static void startNode() throws Exception {
    node = new TestNode();
  }

  @AfterAll
  static void stopNode() {
    node.close();
  }

  /** Sends {@code method path} with an optional content type and body; returns the response. */
  static HttpResponse<String> send(String method, String path, String contentType, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.base() + path));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** GETs {@code path}. */
  static HttpResponse<String> get(String path) throws Exception {
    return send("GET", path, null, null);
  }
}
