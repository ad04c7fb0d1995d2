package io.carousel.http.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Request count and latency per route template, method and status ({@code
 * carousel_http_requests_seconds}). Paths are reduced to their route template ({@code
 * /v1/users/{userId}/recommendations}) so user ids never become label values.
 */
public final class RequestMetrics {
  private static final Pattern USER =
      Pattern.compile("^/v1/users/[^/]+(/recommendations|/stream)?/?$");

  private final MeterRegistry registry;

  public RequestMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Records one finished request. */
  public void record(String path, String method, int status, long startNanos) {
    Timer.builder("carousel.http.requests")
        .description("HTTP requests by route template, method and status")
        .tag("route", template(path))
        .tag("method", method)
        .tag("status", Integer.toString(status))
        .publishPercentileHistogram()
        .register(registry)
        .record(Duration.ofNanos(System.nanoTime() - startNanos));
  }

  /** Returns the route template of {@code path}; unknown paths map to {@code other}. */
  static String template(String path) {
    var m = USER.matcher(path);
    if (m.matches()) {
      return "/v1/users/{userId}" + (m.group(1) == null ? "" : m.group(1));
    }
    if (path.startsWith("/v1/items/") && path.indexOf('/', "/v1/items/".length()) < 0) {
      return "/v1/items/{itemId}";
    }
    return switch (path) {
      case "/v1/events",
              "/v1/stats",
              "/v1/items",
              "/health/alive",
              "/health/ready",
              "/metrics",
              "/openapi.yaml",
              "/demo",
              "/" ->
          path;
      default -> "other";
    };
  }
}
