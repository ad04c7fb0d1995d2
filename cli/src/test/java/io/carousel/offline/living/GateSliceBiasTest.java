package io.carousel.offline.living;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.carousel.offline.data.DataDirs;
import io.carousel.offline.data.Dataset;
import io.carousel.offline.data.DatasetReader;
import io.carousel.offline.data.FileSource;
import io.carousel.offline.data.Interaction;
import io.carousel.offline.data.TimeSplit;
import io.carousel.offline.train.TrainingPipeline;
import io.carousel.offline.train.TwoTowerConfig;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate's slice holds only events the serving model did not train on (issue 16, ADR 0012 §3a),
 * on MovieLens-100k: the node's dataset is the earliest 95 % of the log and {@code serve} trained
 * on all of it ({@code --train-fraction 1.0}); the later 5 % arrive through the journal. The newest
 * 10 % (the holdout) would include 5 % the serving model trained on; the slice must be the
 * journal's events alone, and a candidate trained on the serving model's data is then judged on
 * equal terms (promoted). Before the fix the slice was the newest 10 % and the serving model was
 * scored on its own training events.
 */
class GateSliceBiasTest {

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void theSliceHoldsOnlyEventsNewerThanTheServingModelsData(
      @TempDir Path dataDir, @TempDir Path files) throws Exception {
    Optional<Path> root = DataDirs.dataRootForTests();
    Assumptions.assumeTrue(
        root.isPresent() && Files.isDirectory(root.get().resolve("movielens-100k")),
        "movielens-100k not found; set CAROUSEL_DATA_DIR");
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    TwoTowerConfig config = TwoTowerConfig.defaults().withEpochs(1);
    Dataset ml = DatasetReader.read(root.get(), "movielens-100k");
    TimeSplit split = TimeSplit.byTime(ml.interactions(), 0.95);
    List<Interaction> older = split.train();
    List<Interaction> newer = split.replay();
    Path log = files.resolve("ml95.ndjson");
    Path items = files.resolve("ml-items.ndjson");
    ContinuousTraining.writeMergedLog(
        new Dataset("ml95", ml.catalog(), older), LiveLog.Snapshot.empty(), log, items);
    String base =
        FileSource.name(
            log.toAbsolutePath().toString(),
            "ndjson",
            null,
            null,
            items.toAbsolutePath().toString(),
            null);
    // What `serve --dataset <ml95> --train-fraction 1.0` trains at start.
    Path serving =
        TrainingPipeline.prepare(root.get(), base, dataDir, config, 1.0, quiet).modelDir();
    ModelRegistry registry = new ModelRegistry(dataDir);
    assertEquals(Optional.of(serving), registry.servingModel());
    long servingLast = older.get(older.size() - 1).timestampMs();
    assertEquals(
        servingLast, ContinuousTraining.servingTrainedUntil(serving, root.get(), null, null));

    ContinuousTraining.Outcome outcome =
        ContinuousTraining.run(
            new ContinuousTraining.Options(root.get(), dataDir, base, config, 0.1, 0.005, 42L),
            new LiveLog.Snapshot(newer, Map.of(), List.of()),
            System.out);
    JsonNode d = outcome.decision();
    System.out.println("GATE-SLICE " + d);
    JsonNode slice = d.get("slice");
    // The newest 10 % starts inside the serving model's data; the cut moved to its end.
    assertTrue(slice.get("holdoutCutMs").asLong() <= servingLast, d.toString());
    assertEquals("serving model's training data", slice.get("cutBy").asText());
    assertEquals(servingLast, slice.get("servingTrainedUntilMs").asLong());
    assertEquals(newer.get(0).timestampMs(), slice.get("cutMs").asLong());
    assertEquals(newer.get(0).timestampMs(), slice.get("firstEventMs").asLong());
    assertTrue(slice.get("firstEventMs").asLong() > servingLast, d.toString());
    assertEquals(newer.get(newer.size() - 1).timestampMs(), slice.get("lastEventMs").asLong());
    assertEquals(newer.size(), slice.get("heldOutEvents").asInt());
    assertTrue(slice.get("targets").asInt() > 500, d.toString());
    // The candidate did not train on the slice: exactly the serving model's events.
    assertEquals(older.size(), d.get("trainedOn").get("interactions").asInt());
    assertEquals(servingLast, d.get("trainedOn").get("lastEventMs").asLong());
    // Equal training data, equal terms: not rejected for the serving model's memory.
    double diff = d.get("difference").get("ndcgAt10").asDouble();
    assertTrue(Math.abs(diff) < 0.02, d.toString());
    assertTrue(outcome.promoted(), d.toString());
    assertEquals(Optional.of("v1"), registry.currentVersion());

    // Nothing newer than v1's data: no unbiased slice, so no training and a clear rejection.
    ContinuousTraining.Outcome none =
        ContinuousTraining.run(
            new ContinuousTraining.Options(root.get(), dataDir, base, config, 0.1, 0.005, 42L),
            LiveLog.Snapshot.empty(),
            System.out);
    System.out.println("GATE-NOTHING-NEW " + none.decision());
    assertFalse(none.promoted());
    assertEquals("rejected", none.decision().get("decision").asText());
    assertTrue(
        none.decision().get("reason").asText().contains("nothing to compare"),
        none.decision().toString());
    assertEquals(0, none.decision().get("slice").get("heldOutEvents").asInt());
    assertFalse(Files.exists(registry.folder("v2")));
    assertEquals(Optional.of("v1"), registry.currentVersion());
    assertEquals("v3", registry.nextVersion());
  }
}
