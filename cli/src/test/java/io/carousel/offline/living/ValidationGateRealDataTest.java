package io.carousel.offline.living;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.carousel.engine.Item;
import io.carousel.engine.model.ModelFolder;
import io.carousel.engine.text.MiniLmTextEncoder;
import io.carousel.offline.data.DataDirs;
import io.carousel.offline.data.Dataset;
import io.carousel.offline.data.DatasetReader;
import io.carousel.offline.train.CachedTextEncoder;
import io.carousel.offline.train.TrainingPipeline;
import io.carousel.offline.train.TwoTowerConfig;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The validation gate on real data (MovieLens-100k, 2 epochs): a node that started from a model
 * trained on the earliest 5 % of the log is retrained on 90 %; the gate promotes the candidate
 * (NDCG@10 higher, interval above 0). Gated the other way round on the same slice, the 5 % model is
 * rejected against the 90 % one.
 */
class ValidationGateRealDataTest {

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void promotesAClearlyBetterCandidateAndRejectsAClearlyWorseOne(@TempDir Path dataDir) {
    Optional<Path> root = DataDirs.dataRootForTests();
    Assumptions.assumeTrue(
        root.isPresent() && Files.isDirectory(root.get().resolve("movielens-100k")),
        "movielens-100k not found; set CAROUSEL_DATA_DIR");
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    TwoTowerConfig config = TwoTowerConfig.defaults().withEpochs(2);
    // What `serve --dataset movielens-100k --train-fraction 0.05` trains at start.
    Path small =
        TrainingPipeline.prepare(root.get(), "movielens-100k", dataDir, config, 0.05, quiet)
            .modelDir();
    ModelRegistry registry = new ModelRegistry(dataDir);
    assertEquals(Optional.of(small), registry.servingModel());
    assertEquals("movielens-100k", ContinuousTraining.recordedBaseDataset(dataDir));

    ContinuousTraining.Outcome outcome =
        ContinuousTraining.run(
            new ContinuousTraining.Options(
                root.get(), dataDir, "movielens-100k", config, 0.1, 0.005, 42L),
            LiveLog.Snapshot.empty(),
            System.out);
    JsonNode d = outcome.decision();
    System.out.println("GATE-PROMOTE " + d);
    assertTrue(outcome.promoted(), d.toString());
    assertEquals("promoted", d.get("decision").asText());
    assertEquals(small.getFileName().toString(), d.get("servingVersion").asText());
    double diff = d.get("difference").get("ndcgAt10").asDouble();
    assertTrue(diff > 0, d.toString());
    assertTrue(d.get("difference").get("ndcgAt10Interval95").get(0).asDouble() > 0, d.toString());
    assertTrue(d.get("slice").get("users").asInt() > 100, d.toString());
    assertTrue(d.get("slice").get("targets").asInt() > 1000, d.toString());
    assertEquals(Optional.of("v1"), registry.currentVersion());
    assertEquals(registry.folder("v1"), registry.servingModel().orElseThrow());
    assertEquals(
        List.of(d.toString()), registry.decisions().stream().map(JsonNode::toString).toList());
    assertEquals("movielens-100k", ContinuousTraining.recordedBaseDataset(dataDir));

    // The other way round on the same slice: the 5 % model as the candidate is rejected.
    Dataset ml = DatasetReader.read(root.get(), "movielens-100k");
    ValidationGate.Slice slice = ValidationGate.slice(ml.interactions(), 0.1, Set.of());
    Map<String, String> texts = new HashMap<>();
    for (Item item : ModelFolder.at(registry.folder("v1")).meta().items()) {
      texts.put(item.itemId(), item.text());
    }
    ValidationGate.Verdict verdict;
    try (CachedTextEncoder encoder =
        new CachedTextEncoder(new MiniLmTextEncoder(), dataDir.resolve("cache"))) {
      ValidationGate.Scored worse = ValidationGate.score("5 %", small, slice, texts, encoder);
      ValidationGate.Scored better =
          ValidationGate.score("90 %", registry.folder("v1"), slice, texts, encoder);
      assertEquals(
          d.get("metrics").get("candidate").get("ndcgAt10").asDouble(), better.ndcg(), 1e-12);
      verdict = ValidationGate.decide(worse, better, 0.005, 42L);
    }
    System.out.println("GATE-REJECT " + verdict.reason());
    assertFalse(verdict.promote(), verdict.reason());
    assertTrue(verdict.ndcgDiff() < -0.005, verdict.reason());
    assertTrue(verdict.reason().contains("worse"), verdict.reason());
  }
}
