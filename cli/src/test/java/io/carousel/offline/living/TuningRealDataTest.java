package io.carousel.offline.living;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.carousel.offline.data.DataDirs;
import io.carousel.offline.train.TwoTowerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The automated tuning of a retrain on MovieLens-100k (ADR 0012 §3b): with a small budget the grid
 * runs the default point and as many others as fit; the chosen point is the best NDCG@10 of those
 * tried on validation that ends before the gate's cut, is the one trained, and is recorded in
 * version.json and decisions.json (what {@code GET /v1/model} shows as history).
 */
class TuningRealDataTest {

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void picksTheBestPointTriedWithinTheBudgetAndRecordsIt(@TempDir Path dataDir) throws Exception {
    Optional<Path> root = DataDirs.dataRootForTests();
    Assumptions.assumeTrue(
        root.isPresent() && Files.isDirectory(root.get().resolve("movielens-100k")),
        "movielens-100k not found; set CAROUSEL_DATA_DIR");
    TwoTowerConfig config = TwoTowerConfig.defaults().withEpochs(1);
    long t0 = System.nanoTime();
    ContinuousTraining.Outcome outcome =
        ContinuousTraining.run(
            new ContinuousTraining.Options(
                root.get(),
                dataDir,
                "movielens-100k",
                config,
                0.1,
                0.005,
                42L,
                1,
                Duration.ofSeconds(60)),
            LiveLog.Snapshot.empty(),
            System.out);
    double wall = (System.nanoTime() - t0) / 1e9;
    JsonNode d = outcome.decision();
    System.out.printf("TUNING wall %.1f s %s%n", wall, d.get("tuning"));
    JsonNode tuning = d.get("tuning");
    JsonNode points = tuning.get("points");
    assertTrue(points.size() >= 2, tuning.toString());
    assertEquals("default", points.get(0).get("name").asText());
    // The chosen point: the best validation NDCG@10 of those tried (the earlier on a tie).
    JsonNode best = points.get(0);
    for (JsonNode p : points) {
      assertTrue(p.get("wallSeconds").asDouble() > 0, p.toString());
      assertTrue(p.get("ndcgAt10").asDouble() > 0, p.toString());
      if (p.get("ndcgAt10").asDouble() > best.get("ndcgAt10").asDouble()) {
        best = p;
      }
    }
    assertEquals(best.get("name").asText(), tuning.get("chosen").asText(), tuning.toString());
    List<String> named = new ArrayList<>();
    points.forEach(p -> named.add(p.get("name").asText()));
    tuning.get("notTried").forEach(p -> named.add(p.asText()));
    assertEquals(Tuning.grid(config).stream().map(Tuning.Point::name).toList(), named);
    // The trained candidate has the chosen settings.
    String chosenConfig = tuning.get("chosenConfig").asText();
    assertEquals(chosenConfig, d.get("config").asText());
    assertTrue(chosenConfig.contains("dim=" + best.get("dim").asInt() + ","), chosenConfig);
    assertTrue(chosenConfig.contains("epochs=" + best.get("epochs").asInt() + ","), chosenConfig);
    // Validation is carved from the candidate's training events, before the gate's cut.
    JsonNode v = tuning.get("validation");
    assertTrue(v.get("heldOutEvents").asInt() > 1000, v.toString());
    assertTrue(v.get("targets").asInt() > 100, v.toString());
    assertTrue(v.get("lastEventMs").asLong() < d.get("slice").get("cutMs").asLong(), d.toString());
    assertEquals(
        d.get("trainedOn").get("lastEventMs").asLong(),
        v.get("lastEventMs").asLong(),
        v.toString());
    // Recorded with the version and in the decision log.
    ModelRegistry registry = new ModelRegistry(dataDir);
    JsonNode version =
        ModelRegistry.JSON.readTree(registry.folder("v1").resolve(ModelRegistry.VERSION).toFile());
    assertEquals(tuning, version.get("tuning"));
    assertEquals(chosenConfig, version.get("config").asText());
    assertEquals(tuning, registry.decisions().get(0).get("tuning"));
    assertTrue(outcome.promoted(), d.toString());
    // No tuning model folder is left behind.
    try (var s = Files.list(registry.models())) {
      assertEquals(
          List.of(),
          s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("file-live-")).toList());
    }
  }
}
