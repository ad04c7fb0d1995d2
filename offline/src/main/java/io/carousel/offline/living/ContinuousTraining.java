package io.carousel.offline.living;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carousel.engine.Item;
import io.carousel.engine.model.ModelFolder;
import io.carousel.engine.privacy.DpSettings;
import io.carousel.engine.text.MiniLmTextEncoder;
import io.carousel.offline.data.Dataset;
import io.carousel.offline.data.DatasetReader;
import io.carousel.offline.data.FileSource;
import io.carousel.offline.data.Interaction;
import io.carousel.offline.train.CachedTextEncoder;
import io.carousel.offline.train.TrainingPipeline;
import io.carousel.offline.train.TrainingThreads;
import io.carousel.offline.train.TwoTowerConfig;
import io.carousel.user.Catalogue;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One retrain of a data directory (ADR 0012): the dataset the node started from plus everything the
 * journal holds ({@link LiveLog}) → a candidate model trained by the unchanged {@link
 * TrainingPipeline} on all but the newest {@code holdout} share of the interactions → {@code
 * models/vN} with {@code version.json} and checksums → the {@link ValidationGate} against the
 * serving model → a decision appended to {@code models/decisions.json}, and on promotion {@code
 * models/current} pointed at {@code vN}.
 *
 * <p>The pipeline is reached through its one public entry point: the merged log is written as a
 * shop's own log ({@code file:} source, NDJSON, with an item file holding the dataset's items and
 * the live catalogue's), so embedding (with its cache), training, the wide part and the model meta
 * are exactly those of {@code serve} and {@code demo}.
 */
public final class ContinuousTraining {
  /** Prefix of the pipeline's own folder for a merged log, moved to {@code vN} at once. */
  static final String LOG_PREFIX = "live-";

  /**
   * What to train.
   *
   * @param dataRoot folder of the named datasets
   * @param dataDir the node's data directory
   * @param baseDataset the dataset the node started from, or null for the journal alone
   * @param holdout newest share of the interactions held out for the gate, in (0, 1)
   * @param tolerance the largest NDCG@10 loss (candidate − serving) still promoted
   * @param seed of the bootstrap
   * @param threads TensorFlow threads of the training sessions ({@link TrainingThreads}); ≤ 0:
   *     TensorFlow's defaults
   * @param tuningBudget time for the grid search ({@link Tuning}); zero: no search, {@code config}
   *     as given
   */
  public record Options(
      Path dataRoot,
      Path dataDir,
      String baseDataset,
      TwoTowerConfig config,
      double holdout,
      double tolerance,
      long seed,
      int threads,
      java.time.Duration tuningBudget) {

    /** Checks the budget. */
    public Options {
      if (tuningBudget == null || tuningBudget.isNegative()) {
        throw new IllegalArgumentException("the tuning budget must be >= 0, got " + tuningBudget);
      }
    }

    /** Options with TensorFlow's default threads and no tuning. */
    public Options(
        Path dataRoot,
        Path dataDir,
        String baseDataset,
        TwoTowerConfig config,
        double holdout,
        double tolerance,
        long seed) {
      this(
          dataRoot,
          dataDir,
          baseDataset,
          config,
          holdout,
          tolerance,
          seed,
          0,
          java.time.Duration.ZERO);
    }
  }

  /** The result: the version, whether it became current, and the recorded decision. */
  public record Outcome(String version, Path folder, boolean promoted, JsonNode decision) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private ContinuousTraining() {}

  /**
   * Returns the dataset a retrain starts from when none is given: the promoted version's base
   * dataset, else the dataset of the model {@code serve} trained last; null when neither exists
   * (then only the journal is trained on).
   */
  public static String recordedBaseDataset(Path dataDir) {
    ModelRegistry registry = new ModelRegistry(dataDir);
    Optional<String> current = registry.currentVersion();
    if (current.isPresent()) {
      Path v = registry.folder(current.get()).resolve(ModelRegistry.VERSION);
      try {
        JsonNode base = JSON.readTree(v.toFile()).path("baseDataset");
        return base.isTextual() ? base.asText() : null;
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + v.toAbsolutePath() + ": " + e, e);
      }
    }
    return registry.servingModel().map(p -> ModelFolder.at(p).meta().dataset()).orElse(null);
  }

  /**
   * Returns the time of the newest interaction the model in {@code folder} was trained on: its
   * {@code version.json}'s {@code trainedOn.lastEventMs} for a registry version, else (a folder
   * {@code serve} or {@code demo} trained, whose {@code model-meta.json} records the dataset and
   * its training size, the earliest {@code trainInteractions} by time) the time of the last of
   * those in the dataset.
   *
   * @param base the dataset already read for {@code baseName}, or null
   * @throws IllegalArgumentException when neither says what the model was trained on
   */
  static long servingTrainedUntil(Path folder, Path dataRoot, Dataset base, String baseName) {
    Path versionFile = folder.resolve(ModelRegistry.VERSION);
    if (Files.isRegularFile(versionFile)) {
      try {
        JsonNode last = JSON.readTree(versionFile.toFile()).path("trainedOn").path("lastEventMs");
        if (last.isNumber()) {
          return last.asLong();
        }
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read " + versionFile.toAbsolutePath() + ": " + e, e);
      }
      throw new IllegalArgumentException(
          versionFile.toAbsolutePath() + " has no trainedOn.lastEventMs");
    }
    io.carousel.engine.model.ModelMeta meta = ModelFolder.at(folder).meta();
    Dataset d =
        base != null && meta.dataset().equals(baseName)
            ? base
            : DatasetReader.read(dataRoot, meta.dataset());
    List<Interaction> sorted = d.interactions();
    int n = meta.trainInteractions();
    if (n < 1 || n > sorted.size()) {
      throw new IllegalArgumentException(
          "the serving model "
              + folder.toAbsolutePath()
              + " was trained on "
              + n
              + " interactions of "
              + meta.dataset()
              + ", which has "
              + sorted.size());
    }
    // The pipeline trains on a prefix by time (TimeSplit.byTime: ties stay on one side).
    return sorted.get(n - 1).timestampMs();
  }

  /**
   * Trains, gates and records one version.
   *
   * @throws RuntimeException from the pipeline; the failure is recorded as a decision first and the
   *     current version is left as it was
   */
  public static Outcome run(Options o, LiveLog.Snapshot live, PrintStream log) {
    long t0 = System.nanoTime();
    ModelRegistry registry = new ModelRegistry(o.dataDir());
    Optional<Path> serving = registry.servingModel();
    String version = registry.nextVersion();
    Path folder = registry.folder(version);
    Path work = registry.models().resolve("." + version + ".work");
    ObjectNode decision = JSON.createObjectNode();
    decision.put("version", version);
    decision.put("decidedAt", Instant.now().toString());
    decision.put("servingVersion", serving.map(p -> p.getFileName().toString()).orElse(null));
    decision.put("baseDataset", o.baseDataset());
    decision.put("config", o.config().toString());
    decision.put("holdout", o.holdout());
    decision.put("tolerance", o.tolerance());
    decision.put("trainingThreads", o.threads());
    try {
      Dataset base =
          o.baseDataset() == null ? null : DatasetReader.read(o.dataRoot(), o.baseDataset());
      Path logFile = work.resolve(LOG_PREFIX + version + ".ndjson");
      writeMergedLog(base, live, logFile, work.resolve("items.ndjson"));
      String source =
          FileSource.name(
              logFile.toAbsolutePath().toString(),
              "ndjson",
              null,
              null,
              work.resolve("items.ndjson").toAbsolutePath().toString(),
              null);
      log.printf(
          "%s: %d interactions from %s, %d from the journal, %d live items%n",
          version,
          base == null ? 0 : base.interactions().size(),
          base == null ? "no dataset" : o.baseDataset(),
          live.interactions().size(),
          live.items().size());
      // The cut: the newest holdout share, moved later when the serving model has trained on part
      // of it, so that the slice holds only events neither model trained on (an unbiased
      // comparison: a model scored on its own training events wins by memory, not by ranking).
      List<Interaction> all = DatasetReader.read(o.dataRoot(), source).interactions();
      int holdoutStart = ValidationGate.holdoutStart(all, o.holdout());
      Long servingUntil =
          serving.isEmpty()
              ? null
              : servingTrainedUntil(serving.get(), o.dataRoot(), base, o.baseDataset());
      int newStart = servingUntil == null ? 0 : ValidationGate.firstAfter(all, servingUntil);
      int cut = Math.max(holdoutStart, newStart);
      ObjectNode sliceJson = decision.putObject("slice");
      sliceJson.put("cutBy", cut > holdoutStart ? "serving model's training data" : "holdout");
      sliceJson.put(
          "holdoutCutMs", holdoutStart < all.size() ? all.get(holdoutStart).timestampMs() : 0);
      if (servingUntil != null) {
        sliceJson.put("servingTrainedUntilMs", servingUntil);
      }
      if (cut >= all.size()) {
        // Nothing the serving model has not seen: no unbiased evidence either way, so the
        // candidate is not trained (it would learn nothing new) and the serving model stays.
        // Live items need no retrain to be served (their text path, ADR 0011).
        sliceJson.put("heldOutEvents", 0);
        String reason =
            String.format(
                java.util.Locale.ROOT,
                "no interaction after the serving model's training data (last event %s) among"
                    + " %d: nothing to compare, not trained",
                Instant.ofEpochMilli(servingUntil == null ? 0 : servingUntil),
                all.size());
        decision.put("decision", "rejected");
        decision.put("reason", reason);
        decision.put("wallSeconds", (System.nanoTime() - t0) / 1e9);
        registry.record(decision);
        log.printf("%s rejected: %s%n", version, reason);
        return new Outcome(version, folder, false, decision);
      }
      sliceJson.put("firstEventMs", all.get(cut).timestampMs());
      sliceJson.put("lastEventMs", all.get(all.size() - 1).timestampMs());
      TwoTowerConfig config = o.config();
      ObjectNode tuning = null;
      if (!o.tuningBudget().isZero()) {
        Tuning.Result tuned = Tuning.run(o, source, all, cut, live.items().keySet(), log);
        config = tuned.chosen();
        tuning = tuned.json();
        decision.set("tuning", tuning);
        decision.put("config", config.toString());
      }
      // A share that TimeSplit.byTime turns into exactly `cut` training events (cut starts a time).
      double trainFraction = (cut + 0.5) / all.size();
      TwoTowerConfig chosen = config;
      TrainingPipeline.Prepared prepared =
          TrainingThreads.bounded(
              o.threads(),
              () ->
                  TrainingPipeline.prepare(
                      o.dataRoot(),
                      source,
                      o.dataDir(),
                      chosen,
                      trainFraction,
                      DpSettings.OFF,
                      log));
      if (prepared.split().train().size() != cut) {
        throw new IllegalStateException(
            "the candidate trained on "
                + prepared.split().train().size()
                + " events, the gate's cut is at "
                + cut);
      }
      Files.move(prepared.modelDir(), folder);
      // The texts as the models embed them (the reader cleans the item file's text).
      Map<String, String> texts = new HashMap<>();
      for (Item item : prepared.meta().items()) {
        texts.put(item.itemId(), item.text());
      }
      List<Interaction> train = prepared.split().train();
      ObjectNode trainedOn = decision.putObject("trainedOn");
      trainedOn.put("interactions", train.size());
      trainedOn.put("fromJournal", countFromJournal(train, live));
      trainedOn.put("items", prepared.meta().items().size());
      trainedOn.put("liveItems", live.items().size());
      trainedOn.put("users", train.stream().map(Interaction::userId).distinct().count());
      trainedOn.put("firstEventMs", train.isEmpty() ? 0 : train.get(0).timestampMs());
      trainedOn.put("lastEventMs", train.isEmpty() ? 0 : train.get(train.size() - 1).timestampMs());
      ObjectNode versionJson = JSON.createObjectNode();
      versionJson.put("version", version);
      versionJson.put("baseDataset", o.baseDataset());
      versionJson.set("trainedOn", trainedOn.deepCopy());
      versionJson.put("config", config.toString());
      if (tuning != null) {
        versionJson.set("tuning", tuning.deepCopy());
      }
      versionJson.put("createdAt", Instant.now().toString());
      ModelRegistry.writeAtomically(
          folder.resolve(ModelRegistry.VERSION),
          ModelRegistry.JSON.writeValueAsString(versionJson));
      ModelRegistry.writeChecksums(folder);

      ValidationGate.Slice slice =
          ValidationGate.sliceFrom(prepared.dataset().interactions(), cut, live.items().keySet());
      sliceJson.put("cutMs", slice.cutMs());
      sliceJson.put("heldOutEvents", slice.heldOutEvents());
      sliceJson.put("users", slice.users().size());
      sliceJson.put("targets", slice.targets());
      sliceJson.put("candidates", slice.candidates().size());
      boolean promote;
      String reason;
      String problem = ModelRegistry.checksumProblem(folder);
      if (problem != null) {
        promote = false;
        reason = "the candidate's files fail their checksums: " + problem;
      } else if (serving.isEmpty()) {
        promote = true;
        reason = "no serving model in " + registry.models().toAbsolutePath();
      } else if (slice.users().isEmpty()) {
        promote = false;
        reason = "no user of the held-out slice has a history before it; nothing to compare";
      } else {
        ValidationGate.Verdict verdict;
        try (CachedTextEncoder encoder =
            new CachedTextEncoder(new MiniLmTextEncoder(), o.dataDir().resolve("cache"))) {
          ValidationGate.Scored cand =
              ValidationGate.score("candidate", folder, slice, texts, encoder);
          ValidationGate.Scored serv =
              ValidationGate.score("serving", serving.get(), slice, texts, encoder);
          verdict = ValidationGate.decide(cand, serv, o.tolerance(), o.seed());
        }
        ObjectNode metrics = decision.putObject("metrics");
        metrics.set("candidate", metricsJson(verdict.candidate()));
        metrics.set("serving", metricsJson(verdict.serving()));
        ObjectNode diff = decision.putObject("difference");
        diff.put("ndcgAt10", verdict.ndcgDiff());
        diff.putArray("ndcgAt10Interval95")
            .add(verdict.ndcgInterval()[0])
            .add(verdict.ndcgInterval()[1]);
        diff.put("hrAt10", verdict.hrDiff());
        diff.putArray("hrAt10Interval95").add(verdict.hrInterval()[0]).add(verdict.hrInterval()[1]);
        promote = verdict.promote();
        reason = verdict.reason();
      }
      if (promote) {
        registry.promote(version);
      }
      decision.put("decision", promote ? "promoted" : "rejected");
      decision.put("reason", reason);
      decision.put("wallSeconds", (System.nanoTime() - t0) / 1e9);
      registry.record(decision);
      log.printf("%s %s: %s%n", version, promote ? "promoted" : "rejected", reason);
      return new Outcome(version, folder, promote, decision);
    } catch (IOException e) {
      throw fail(registry, decision, t0, new UncheckedIOException(e));
    } catch (RuntimeException e) {
      throw fail(registry, decision, t0, e);
    } finally {
      deleteQuietly(work);
    }
  }

  private static RuntimeException fail(
      ModelRegistry registry, ObjectNode decision, long t0, RuntimeException e) {
    decision.put("decision", "failed");
    decision.put("reason", String.valueOf(e.getMessage()));
    decision.put("wallSeconds", (System.nanoTime() - t0) / 1e9);
    try {
      registry.record(decision);
    } catch (RuntimeException suppressed) {
      e.addSuppressed(suppressed);
    }
    return e;
  }

  private static ObjectNode metricsJson(ValidationGate.Scored s) {
    ObjectNode m = JSON.createObjectNode();
    m.put("ndcgAt10", s.ndcg());
    m.put("hrAt10", s.hr());
    m.put("textOnlyItems", s.textOnlyItems());
    return m;
  }

  private static long countFromJournal(List<Interaction> train, LiveLog.Snapshot live) {
    java.util.Set<String> journal = new java.util.HashSet<>();
    for (Interaction i : live.interactions()) {
      journal.add(key(i));
    }
    return train.stream().filter(i -> journal.contains(key(i))).count();
  }

  private static String key(Interaction i) {
    return i.userId() + '\u0000' + i.itemId() + '\u0000' + i.timestampMs();
  }

  /**
   * Writes the dataset's and the journal's interactions, and the dataset's and the live catalogue's
   * items (a live item's text replaces a dataset item's), as NDJSON. Public for the living demo,
   * which writes its starting model's base dataset (the earlier part of a log) the same way.
   */
  public static void writeMergedLog(
      Dataset base, LiveLog.Snapshot live, Path logFile, Path itemsFile) throws IOException {
    Files.createDirectories(logFile.getParent());
    Map<String, ObjectNode> items = new LinkedHashMap<>();
    if (base != null) {
      for (Item item : base.catalog().items()) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", item.itemId());
        n.put("title", item.text());
        n.put("category", item.category());
        items.put(item.itemId(), n);
      }
    }
    for (Map.Entry<String, Catalogue.ItemState> e : live.items().entrySet()) {
      Catalogue.ItemState s = e.getValue();
      ObjectNode n = JSON.createObjectNode();
      n.put("id", e.getKey());
      n.put("title", s.title() == null ? "" : s.title());
      n.put("description", s.description() == null ? "" : s.description());
      n.put("category", s.category() == null ? "" : s.category());
      items.put(e.getKey(), n);
    }
    try (BufferedWriter w = Files.newBufferedWriter(itemsFile, StandardCharsets.UTF_8)) {
      for (ObjectNode n : items.values()) {
        w.write(JSON.writeValueAsString(n));
        w.write('\n');
      }
    }
    try (BufferedWriter w = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
      if (base != null) {
        for (Interaction i : base.interactions()) {
          writeInteraction(w, i);
        }
      }
      for (Interaction i : live.interactions()) {
        writeInteraction(w, i);
      }
    }
  }

  private static void writeInteraction(BufferedWriter w, Interaction i) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("user", i.userId());
    n.put("item", i.itemId());
    n.put("type", i.type().wireName());
    // ISO-8601: unambiguous (a small epoch number would be read as seconds).
    n.put("time", Instant.ofEpochMilli(i.timestampMs()).toString());
    w.write(JSON.writeValueAsString(n));
    w.write('\n');
  }

  static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a leftover work folder is harmless; the next run's version has another name
    }
  }
}
