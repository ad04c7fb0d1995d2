package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Requests too malformed for the routes (Akka HTTP rejects them while parsing) still get {@code
 * application/problem+json}; they answered {@code text/plain} before {@link
 * ProblemParsingErrorHandler}.
 */
class ParsingErrorProblemTest extends HttpTestBase {
  /** Sends {@code head} as raw bytes and returns the whole response (the server closes). */
  private static String raw(String head) throws Exception {
    URI base = URI.create(node.base());
    try (Socket s = new Socket(base.getHost(), base.getPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      byte[] b = new byte[4096];
      int n;
      while ((n = in.read(b)) > 0) {
        buf.write(b, 0, n);
        if (buf.toString(StandardCharsets.UTF_8).contains("}")) {
          break;
        }
      }
      return buf.toString(StandardCharsets.UTF_8);
    }
  }

  private static JsonNode assertProblem(String response, int status) throws Exception {
    assertTrue(response.startsWith("HTTP/1.1 " + status), response);
    assertTrue(response.contains("Content-Type: application/problem+json"), response);
    JsonNode p = Json.MAPPER.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
    assertEquals(status, p.get("status").asInt(), response);
    return p;
  }

  @Test
  void badPercentEscapeIs400Problem() throws Exception {
    assertProblem(raw("GET /v1/users/%ZZ HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
  }

  @Test
  void overlongUriIs414ProblemNamingTheUri() throws Exception {
    String path = "/v1/users/" + "x".repeat(5000);
    JsonNode p = assertProblem(raw("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414);
    assertEquals("uri", p.get("field").asText());
  }

  /**
   * Problem details name the rule a client broke, never Akka's or Jackson's setting and method
   * names (akka.http.server.parsing.max-content-length, StreamReadConstraints, …) or the peer's
   * address.
   */
  @Test
  void detailsNameNoLibrarySettings() throws Exception {
    String big = "x".repeat(6000);
    String[][] cases = {
      {"GET /v1/users/" + "x".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n", "414"},
      {
        "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Content-Length: 6000\r\n\r\n"
            + big,
        "413"
      },
      {
        "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n1770\r\n"
            + big
            + "\r\n0\r\n\r\n",
        "413"
      },
      {
        "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Content-Length: 1200\r\n\r\n"
            + "[".repeat(1200),
        "400"
      },
      {
        "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Content-Length: 10\r\n\r\n{\"a\":{\"b\":",
        "400"
      },
      {
        "PUT /v1/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Content-Length: 8\r\n\r\n{\"a\":[1,",
        "400"
      },
    };
    for (String[] c : cases) {
      JsonNode p = assertProblem(raw(c[0]), Integer.parseInt(c[1]));
      String detail = p.get("detail").asText();
      StringBuilder all = new StringBuilder(detail);
      if (p.has("errors")) {
        p.get("errors").forEach(e -> all.append(" | ").append(e.get("detail").asText()));
      }
      for (String leak :
          new String[] {
            "akka", "`", "StreamRead", "Source:", "Exception", "127.0.0.1", "set via"
          }) {
        assertTrue(!all.toString().contains(leak), "'" + leak + "' in: " + all);
      }
      if (c[1].equals("413")) {
        assertEquals("the body is larger than 4096 bytes, the largest accepted", detail);
      }
    }
  }

  @Test
  void duplicateContentLengthIs400Problem() throws Exception {
    String head =
        "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}";
    assertProblem(raw(head), 400);
  }
}
