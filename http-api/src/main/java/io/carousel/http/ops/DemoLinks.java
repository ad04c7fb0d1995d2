package io.carousel.http.ops;

import com.typesafe.config.Config;
import io.carousel.http.auth.AuthSettings;
import io.carousel.http.node.CarouselServer;
import java.util.List;

/**
 * The lines {@code serve} and {@code demo} print about the {@code /demo} page. With API keys the
 * page needs a shopper token, which only a key can mint: the lines show the {@code curl} that mints
 * one and the page's URL that takes it ({@code ?token=}), so no key ever reaches the browser.
 */
public final class DemoLinks {
  private DemoLinks() {}

  /**
   * Returns the token lines for a node of {@code config} with API keys, none without (the start-up
   * addresses already name the open page).
   */
  public static List<String> withKeys(Config config, String host, int port) {
    return AuthSettings.fromConfig(config).apiKeysFile().isPresent()
        ? lines(config, host, port)
        : List.of();
  }

  /** Returns the lines for a node of {@code config} listening on {@code host}:{@code port}. */
  static List<String> lines(Config config, String host, int port) {
    return lines(
        CarouselServer.tls(config) ? "https" : "http",
        AuthSettings.fromConfig(config).apiKeysFile().isPresent(),
        host,
        port);
  }

  static List<String> lines(String scheme, boolean keys, String host, int port) {
    String base = scheme + "://" + host + ":" + port;
    if (!keys) {
      return List.of("demo page: " + base + "/demo");
    }
    return List.of(
        "demo page: "
            + base
            + "/demo?token=TOKEN — with API keys the page needs a shopper token;"
            + " mint one (valid 15 min) with an ingest key:",
        "  curl -s -H 'Authorization: Bearer <ingest key>' -H 'Content-Type: application/json'"
            + " -d '{\"userId\":\"alice\",\"ttlSeconds\":900}' "
            + base
            + "/v1/tokens"
            + (scheme.equals("https") ? "  (add --cacert or -k for a self-signed key)" : ""));
  }
}
