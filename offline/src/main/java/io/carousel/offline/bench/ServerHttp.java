package io.carousel.offline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The HTTP plumbing of {@link FaultScenarios} and {@link FaultsBench}: one HTTP/1.1 client of a
 * running Carousel at {@code base} (30 s per request), its requests and what the scenarios read
 * back (statuses, timings, a user's {@code eventCount}, a sample of the catalogue).
 */
final class ServerHttp {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  final URI base;
  final HttpClient http;

  ServerHttp(URI base) {
    this.base = base;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /** Returns up to {@code n} available item ids from {@code GET /v1/items}. */
  List<String> catalogueSample(int n) throws IOException, InterruptedException {
    JsonNode page = getJson("/v1/items?limit=" + n);
    List<String> ids = new ArrayList<>();
    for (JsonNode item : page.get("items")) {
      if (item.path("available").asBoolean(true)) {
        ids.add(item.get("itemId").asText());
      }
    }
    if (ids.isEmpty()) {
      throw new IOException("the server lists no available item: nothing to click");
    }
    return ids;
  }

  /**
   * Sends each body as one {@code POST /v1/events}, all at once; returns the statuses in order (-1:
   * no answer).
   */
  int[] sendAll(List<String> bodies) throws InterruptedException {
    int[] status = new int[bodies.size()];
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (int i = 0; i < bodies.size(); i++) {
      int idx = i;
      all.add(
          http.sendAsync(
                  post("/v1/events", "application/json", bodies.get(i)),
                  HttpResponse.BodyHandlers.discarding())
              .handle(
                  (r, failure) -> {
                    status[idx] = failure == null ? r.statusCode() : -1;
                    return null;
                  }));
    }
    CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).join();
    return status;
  }

  /** Times {@code /health/alive} from a new client (10 s limit): status and ms. */
  Map<String, Object> timedHealth() {
    Map<String, Object> r = new LinkedHashMap<>();
    HttpClient fresh =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    long start = System.nanoTime();
    try {
      HttpResponse<Void> resp =
          fresh.send(
              HttpRequest.newBuilder(base.resolve("/health/alive"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      r.put("status", resp.statusCode());
    } catch (IOException e) {
      r.put("status", e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      r.put("status", "interrupted");
    }
    r.put("ms", Math.round((System.nanoTime() - start) / 1e6));
    return r;
  }

  /** Returns a user's {@code eventCount} from {@code GET /v1/users/{id}}. */
  long eventCount(String user) throws IOException, InterruptedException {
    return getJson("/v1/users/" + enc(user)).get("eventCount").asLong();
  }

  /** Returns the status and the elapsed ms of {@code method path}. */
  Map<String, Object> timed(String method, String path, String body) throws InterruptedException {
    long start = System.nanoTime();
    Map<String, Object> r = new LinkedHashMap<>();
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).header("Accept", "*/*");
      if (body != null) {
        b.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body));
      } else {
        b.method(method, HttpRequest.BodyPublishers.noBody());
      }
      HttpResponse<String> resp = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      r.put("status", resp.statusCode());
      String text = resp.body();
      r.put("body", text.length() > 300 ? text.substring(0, 300) : text);
    } catch (IOException e) {
      r.put("status", e.getClass().getSimpleName());
    }
    r.put("ms", Math.round((System.nanoTime() - start) / 1e6));
    return r;
  }

  /** Returns whether {@code /health/alive} answers 200. */
  boolean healthAlive() {
    try {
      return http.send(get("/health/alive"), HttpResponse.BodyHandlers.discarding()).statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private JsonNode getJson(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(get(path), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  /** POSTs one JSON event; returns the status. */
  int postJson(String line) throws IOException, InterruptedException {
    return http.send(
            post("/v1/events", "application/json", line), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** POSTs an NDJSON batch; returns the status. */
  int postNdjson(String body) throws IOException, InterruptedException {
    return http.send(
            post("/v1/events", "application/x-ndjson", body),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  HttpRequest get(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).build();
  }

  HttpRequest post(String path, String type, String body) {
    return HttpRequest.newBuilder(base.resolve(path))
        .timeout(TIMEOUT)
        .header("Content-Type", type)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  /** Returns {@code s} percent-encoded as one path segment. */
  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
