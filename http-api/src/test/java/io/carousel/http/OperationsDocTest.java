package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/operations.md is the operators' reference: its metrics table names exactly the {@code
 * carousel_*} families a running node exports, and its settings table every {@code carousel.*} key
 * of the modules' reference.conf files with its default. A metric or setting added, renamed or
 * re-defaulted without its line fails here.
 */
class OperationsDocTest extends HttpTestBase {
  private static final Path DOC = Path.of("..", "docs", "operations.md");
  private static final Pattern TYPE_LINE = Pattern.compile("(?m)^# TYPE (carousel_\\w+) \\w+$");
  private static final Pattern METRIC_ROW = Pattern.compile("(?m)^\\| `(carousel_\\w+)` \\|");

  /**
   * Families a {@link TestNode} cannot export: its scoring stand-in runs no TensorFlow batches. A
   * node started by {@link CarouselServer} registers them with the scoring pool.
   */
  private static final Set<String> REAL_MODEL_ONLY =
      Set.of(
          "carousel_scoring_batch_size",
          // Registered by the hot swap (ModelSwap), which only a node with a loaded model has.
          "carousel_model_swaps_total",
          "carousel_model_swap_duration_seconds");

  private static final Pattern SETTING_ROW =
      Pattern.compile("(?m)^\\| `(carousel\\.[\\w.\\-]+)` \\| `([^`]*)` \\|");

  @Test
  void rootRedirectsToTheDemoPage() throws Exception {
    // Start-up prints http://host:port/ first: opening it used to answer 404.
    HttpResponse<String> r = get("/");
    assertEquals(302, r.statusCode(), r.body());
    assertEquals("/demo", r.headers().firstValue("Location").orElse(""));
  }

  @Test
  void metricsTableNamesEveryExportedCarouselFamily() throws Exception {
    // Traffic that registers the lazily created meters: an event of a known shopper, a slate,
    // a click on it, and a second slate that closes the first into the pool.
    String user = "ops-" + UUID.randomUUID();
    assertEquals(200, postEvent(user, "o1", "item-9").statusCode());
    String served = firstItem(get("/v1/users/" + user + "/recommendations?k=4").body());
    assertEquals(200, postEvent(user, "o2", served).statusCode());
    assertEquals(200, get("/v1/users/" + user + "/recommendations?k=4").statusCode());

    Set<String> exported = new TreeSet<>();
    Matcher m = TYPE_LINE.matcher(get("/metrics").body());
    while (m.find()) {
      exported.add(m.group(1));
    }
    // A timer or summary also exports NAME_max as a gauge: the table names the family once.
    exported.removeIf(n -> n.endsWith("_max") && exported.contains(n.replaceAll("_max$", "")));
    exported.addAll(REAL_MODEL_ONLY);
    Set<String> documented = new TreeSet<>();
    Matcher d = METRIC_ROW.matcher(Files.readString(DOC));
    while (d.find()) {
      documented.add(d.group(1));
    }
    assertEquals(exported, documented, "docs/operations.md metrics table vs GET /metrics");
  }

  @Test
  void settingsTableNamesEveryReferenceSettingWithItsDefault() throws Exception {
    // Every module's reference.conf on this classpath (engine, user-actors, http-api), without the
    // system properties that defaultReference() lays over them (surefire sets carousel.data.dir).
    Config carousel =
        ConfigFactory.parseResources(getClass().getClassLoader(), "reference.conf")
            .resolve(ConfigResolveOptions.defaults().setAllowUnresolved(true))
            .getConfig("carousel");
    Map<String, String> reference = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : carousel.entrySet()) {
      reference.put("carousel." + e.getKey(), render(e.getValue()));
    }
    Map<String, String> documented = new TreeMap<>();
    Matcher d = SETTING_ROW.matcher(Files.readString(DOC));
    while (d.find()) {
      documented.put(d.group(1), d.group(2));
    }
    assertEquals(reference, documented, "docs/operations.md settings table vs reference.conf");
  }

  /** A value as the table shows it: strings bare, everything else in HOCON's concise form. */
  private static String render(ConfigValue v) {
    return v.unwrapped() instanceof String s ? s : v.render(ConfigRenderOptions.concise());
  }

  private static HttpResponse<String> postEvent(String user, String eventId, String item)
      throws Exception {
    String body =
        "{\"eventId\":\""
            + eventId
            + "\",\"userId\":\""
            + user
            + "\",\"itemId\":\""
            + item
            + "\",\"type\":\"click\",\"timestamp\":\"2026-11-29T10:00:00Z\"}";
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(node.base() + "/v1/events"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String firstItem(String slate) throws Exception {
    return Json.MAPPER.readTree(slate).get("items").get(0).get("itemId").asText();
  }
}
