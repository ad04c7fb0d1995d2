package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import io.carousel.http.node.CarouselServer;
import io.carousel.http.node.LoadedModel;
import io.carousel.offline.data.DataDirs;
import io.carousel.offline.living.ModelRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Champion/challenger, the deciding half (ADR 0014), through HTTP on a MovieLens-100k node started
 * as {@code carousel serve} starts it: {@code POST /v1/model/challenger} serves v2 to half the
 * users; clicks sent through the API only on the slates the challenger served → once each arm has
 * {@code challenger-min-slates} slates it is promoted through the registry and every later slate is
 * v2's; the mirror case (v3, clicks only on the champion's slates) → dropped, serving unchanged. v2
 * and v3 are copies of v1's folder: the decision is on the clicks, not on the models.
 */
class ChallengerDecisionTest {
  private static final int USERS = 40;
  private static final int MIN_SLATES = 25;

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void promotesAClickedChallengerAndDropsAnIgnoredOne(@TempDir Path dir) throws Exception {
    Optional<Path> root = DataDirs.dataRootForTests();
    Assumptions.assumeTrue(
        root.isPresent() && Files.isDirectory(root.get().resolve("movielens-100k")),
        "movielens-100k not found; set CAROUSEL_DATA_DIR");
    Path data = dir.resolve("data");
    LiveJournalTrainingTest.Run train =
        LiveJournalTrainingTest.run(
            "train",
            "--data-dir",
            data.toString(),
            "--dataset",
            "movielens-100k",
            "--data-root",
            root.get().toString(),
            "--holdout",
            "0.9",
            "--epochs",
            "1");
    assertEquals(0, train.code(), train.err());
    ModelRegistry registry = new ModelRegistry(data);
    assertEquals(Optional.of("v1"), registry.currentVersion());
    copy(registry.folder("v1"), registry.folder("v2"));
    copy(registry.folder("v1"), registry.folder("v3"));

    Config config =
        LiveCatalogueIT.config(
            data,
            "carousel.training.challenger-share = 0.5\n"
                + "carousel.training.challenger-min-slates = "
                + MIN_SLATES
                + "\ncarousel.training.watch-interval = 1s\n");
    Path served = io.carousel.cli.ServeCommandAccess.promotedVersion(data);
    try (LoadedModel loaded = LiveCatalogueIT.load(served);
        CarouselServer server =
            CarouselServer.start(
                config,
                loaded,
                () -> new io.carousel.engine.text.MiniLmTextEncoder(Runnable::run),
                io.carousel.cli.ServeCommandAccess.trainer(
                    root.get(), data, "movielens-100k", config))) {
      String base = LiveCatalogueIT.base(server);
      // Known shoppers (their slates are logged, so they can be clicked).
      for (int u = 0; u < USERS; u++) {
        LiveCatalogueIT.event(base, user(u), String.valueOf(100 + u), "click", "h" + u);
      }
      HttpResponse<String> bad = LiveCatalogueIT.send("POST", base + "/v1/model/challenger", "{}");
      assertEquals(400, bad.statusCode(), bad.body());
      assertTrue(bad.body().contains("version"), bad.body());
      HttpResponse<String> current =
          LiveCatalogueIT.send("POST", base + "/v1/model/challenger", "{\"version\":\"v1\"}");
      assertEquals(409, current.statusCode(), current.body());

      // 1. v2 challenges v1; only the challenger's slates are clicked.
      long t0 = System.nanoTime();
      HttpResponse<String> start =
          LiveCatalogueIT.send("POST", base + "/v1/model/challenger", "{\"version\":\"v2\"}");
      assertEquals(200, start.statusCode(), start.body());
      assertEquals("challenger-started", LiveCatalogueIT.json(start).get("decision").asText());
      HttpResponse<String> twice =
          LiveCatalogueIT.send("POST", base + "/v1/model/challenger", "{\"version\":\"v3\"}");
      assertEquals(409, twice.statusCode(), twice.body());
      assertTrue(twice.body().contains("challenger v2 is running"), twice.body());
      JsonNode promoted = clickUntilDecided(base, "v2", "v2");
      System.out.printf(
          "CHALLENGER promoted after %.1f s: %s%n", (System.nanoTime() - t0) / 1e9, promoted);
      assertEquals("challenger-promoted", promoted.get("decision").asText());
      assertEquals("promoted", promoted.get("challenger").get("state").asText());
      JsonNode arms = promoted.get("challenger").get("arms");
      assertTrue(arms.get("challenger").get("slates").asLong() >= MIN_SLATES, arms.toString());
      assertTrue(arms.get("champion").get("slates").asLong() >= MIN_SLATES, arms.toString());
      // The decider may count between a slate and its click (the loop GETs, then POSTs the
      // click): at most the one slate in flight is still unclicked.
      assertTrue(
          arms.get("challenger").get("clickedSlates").asLong()
              >= arms.get("challenger").get("slates").asLong() - 1,
          arms.toString());
      assertEquals(0.0, arms.get("champion").get("ctr").asDouble(), arms.toString());
      assertTrue(promoted.get("challenger").get("ctrDifference95").get(0).asDouble() > 0);
      assertEquals(Optional.of("v2"), registry.currentVersion());
      assertEquals(Optional.empty(), registry.challengerVersion());
      awaitServing(base, "v2");
      assertEquals(Set.of("v2"), versionsServed(base), "every slate after the promotion");
      String m = LiveCatalogueIT.send("GET", base + "/metrics", null).body();
      assertTrue(m.contains("carousel_model_slates_total{version=\"v2\"}"), m);
      assertTrue(m.contains("carousel_model_clicks_total{version=\"v2\"}"), m);

      // 2. The mirror: v3 challenges v2; only the champion's slates are clicked.
      HttpResponse<String> again =
          LiveCatalogueIT.send("POST", base + "/v1/model/challenger", "{\"version\":\"v3\"}");
      assertEquals(200, again.statusCode(), again.body());
      JsonNode dropped = clickUntilDecided(base, "v3", "v2");
      System.out.printf("CHALLENGER dropped: %s%n", dropped);
      assertEquals("challenger-dropped", dropped.get("decision").asText());
      assertTrue(dropped.get("challenger").get("ctrDifference95").get(1).asDouble() < 0);
      assertEquals(Optional.of("v2"), registry.currentVersion());
      assertEquals(Optional.empty(), registry.challengerVersion());
      awaitNoChallenger(base);
      assertEquals(Set.of("v2"), versionsServed(base), "serving unchanged after the drop");
      JsonNode model = LiveCatalogueIT.json(LiveCatalogueIT.send("GET", base + "/v1/model", null));
      assertEquals("v2", model.get("servingVersion").asText());
      assertEquals("dropped", model.get("challenger").get("state").asText(), model.toString());
      List<String> kinds = new java.util.ArrayList<>();
      registry.decisions().forEach(d -> kinds.add(d.get("decision").asText()));
      assertEquals(
          List.of(
              "challenger-started",
              "challenger-promoted",
              "challenger-started",
              "challenger-dropped"),
          kinds.subList(kinds.size() - 4, kinds.size()));
    }
  }

  /**
   * Rounds of one slate per user; clicks (naming the slate) the first item of every slate served by
   * {@code clicked}, until {@code GET /v1/model}'s history records the end of {@code challenger}'s
   * run; returns that decision.
   */
  private static JsonNode clickUntilDecided(String base, String challenger, String clicked)
      throws Exception {
    Set<String> seen = new HashSet<>();
    for (int round = 0; round < 30; round++) {
      for (int u = 0; u < USERS; u++) {
        JsonNode slate = LiveCatalogueIT.slate(base, user(u), 5);
        String version = slate.get("modelVersion").asText();
        seen.add(version);
        if (version.equals(clicked) && slate.hasNonNull("slateId")) {
          click(base, user(u), slate, "c" + challenger + "-" + round + "-" + u);
        }
      }
      JsonNode model = LiveCatalogueIT.json(LiveCatalogueIT.send("GET", base + "/v1/model", null));
      for (JsonNode d : model.get("history")) {
        String kind = d.get("decision").asText();
        if (d.get("version").asText().equals(challenger)
            && (kind.equals("challenger-promoted") || kind.equals("challenger-dropped"))) {
          assertTrue(seen.contains(challenger), "the challenger served some slates: " + seen);
          return d;
        }
      }
      Thread.sleep(300);
    }
    throw new AssertionError("no decision on " + challenger + " after 30 rounds; saw " + seen);
  }

  private static void click(String base, String user, JsonNode slate, String eventId)
      throws Exception {
    String body =
        "{\"eventId\":\""
            + eventId
            + "\",\"userId\":\""
            + user
            + "\",\"itemId\":\""
            + slate.get("items").get(0).get("itemId").asText()
            + "\",\"slateId\":\""
            + slate.get("slateId").asText()
            + "\",\"type\":\"click\",\"timestamp\":"
            + System.currentTimeMillis()
            + "}";
    HttpResponse<String> r = LiveCatalogueIT.send("POST", base + "/v1/events", body);
    for (int retry = 0; retry < 5 && r.statusCode() == 503; retry++) {
      r = LiveCatalogueIT.send("POST", base + "/v1/events", body);
    }
    assertEquals(200, r.statusCode(), r.body());
  }

  private static Set<String> versionsServed(String base) throws Exception {
    Set<String> out = new HashSet<>();
    for (int u = 0; u < USERS; u++) {
      out.add(LiveCatalogueIT.slate(base, user(u), 5).get("modelVersion").asText());
    }
    return out;
  }

  private static void awaitServing(String base, String version) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      JsonNode m = LiveCatalogueIT.json(LiveCatalogueIT.send("GET", base + "/v1/model", null));
      if (m.get("servingVersion").asText().equals(version) && versionsServed(base).size() == 1) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("not serving " + version + " alone within 60 s");
  }

  private static void awaitNoChallenger(String base) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (versionsServed(base).size() == 1) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the dropped challenger still serves after 30 s");
  }

  private static String user(int u) {
    return "champ-" + u;
  }

  private static void copy(Path from, Path to) throws Exception {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
