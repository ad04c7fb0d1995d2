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

  @Test
  void duplicateContentLengthIs400Problem() throws Exception {
    String head =
        "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}";
    assertProblem(raw(head), 400);
  }
}
