package io.carousel.cli;

import akka.actor.typed.ActorSystem;
import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import io.carousel.http.model.ModelTrainer;
import io.carousel.offline.living.ContinuousTraining;
import io.carousel.offline.living.LiveLog;
import io.carousel.offline.living.ModelRegistry;
import io.carousel.offline.train.TwoTowerConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's retrain (ADR 0012 §5), handed to the node by {@code carousel serve}: the journal
 * read by tag on the node's own actor system (same process, so the H2 file's lock is its own), then
 * {@link ContinuousTraining} (dataset + journal + live catalogue, validation gate, registry) — the
 * same code as {@code carousel train}.
 */
final class LivingTrainer implements ModelTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(LivingTrainer.class);

  private final ActorSystem<?> system;
  private final Path dataRoot;
  private final Path dataDir;
  private final String baseDataset;
  private final TwoTowerConfig config;
  private final double holdout;
  private final double tolerance;
  private final int threads;
  private final Duration tuningBudget;
  private final ModelRegistry registry;

  /**
   * @param baseDataset the dataset the node started from, or null: the registry's recorded one
   * @param config the node's configuration ({@code carousel.training.*})
   */
  LivingTrainer(
      ActorSystem<?> system, Path dataRoot, Path dataDir, String baseDataset, Config config) {
    this.system = system;
    this.dataRoot = dataRoot;
    // The registry every node follows (ADR 0014): carousel.training.registry-dir when set.
    String registryDir = config.getString("carousel.training.registry-dir");
    this.dataDir = registryDir.isEmpty() ? dataDir : Path.of(registryDir);
    this.baseDataset = baseDataset;
    this.config = TwoTowerConfig.defaults().withEpochs(config.getInt("carousel.training.epochs"));
    checkSettings(config);
    this.holdout = config.getDouble("carousel.training.holdout");
    this.tolerance = config.getDouble("carousel.training.tolerance");
    this.threads = config.getInt("carousel.training.threads");
    this.tuningBudget = config.getDuration("carousel.training.tuning-budget");
    this.registry = new ModelRegistry(this.dataDir);
  }

  /**
   * Checks {@code carousel.training.*} before the node starts (a bad value found inside the node's
   * start would end it with a less direct message).
   *
   * @throws IllegalArgumentException naming the setting, its value and what it must be
   */
  static void checkSettings(Config config) {
    String interval = config.getString("carousel.training.interval");
    if (!"off".equals(interval)) {
      java.time.Duration d;
      try {
        d = config.getDuration("carousel.training.interval");
      } catch (com.typesafe.config.ConfigException e) {
        throw new IllegalArgumentException(
            "carousel.training.interval must be off or a duration such as 6h, got '"
                + interval
                + "'");
      }
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(
            "carousel.training.interval must be off or positive, got " + interval);
      }
    }
    double holdout = config.getDouble("carousel.training.holdout");
    if (!(holdout > 0 && holdout < 1)) {
      throw new IllegalArgumentException(
          "carousel.training.holdout must be in (0, 1), got " + holdout);
    }
    double tolerance = config.getDouble("carousel.training.tolerance");
    if (!(tolerance >= 0)) {
      throw new IllegalArgumentException(
          "carousel.training.tolerance must be >= 0, got " + tolerance);
    }
    String watch = config.getString("carousel.training.watch-interval");
    if (!"off".equals(watch)) {
      java.time.Duration d;
      try {
        d = config.getDuration("carousel.training.watch-interval");
      } catch (com.typesafe.config.ConfigException e) {
        d = java.time.Duration.ZERO;
      }
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(
            "carousel.training.watch-interval must be off or a positive duration such as 5s, got '"
                + watch
                + "'");
      }
    }
    double share = config.getDouble("carousel.training.challenger-share");
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException(
          "carousel.training.challenger-share must be in [0, 1], got " + share);
    }
    io.carousel.http.model.ChallengerRule.fromConfig(config);
    int epochs = config.getInt("carousel.training.epochs");
    if (epochs < 1) {
      throw new IllegalArgumentException("carousel.training.epochs must be >= 1, got " + epochs);
    }
    int threads;
    try {
      threads = config.getInt("carousel.training.threads");
    } catch (com.typesafe.config.ConfigException e) {
      throw new IllegalArgumentException(
          "carousel.training.threads must be a whole number >= 0, got '"
              + config.getValue("carousel.training.threads").unwrapped()
              + "'");
    }
    if (threads < 0) {
      throw new IllegalArgumentException(
          "carousel.training.threads must be >= 0 (0: TensorFlow's own pools), got " + threads);
    }
    java.time.Duration budget;
    try {
      budget = config.getDuration("carousel.training.tuning-budget");
    } catch (com.typesafe.config.ConfigException e) {
      throw new IllegalArgumentException(
          "carousel.training.tuning-budget must be 0 (off) or a duration such as 5m, got '"
              + config.getValue("carousel.training.tuning-budget").unwrapped()
              + "'");
    }
    if (budget.isNegative()) {
      throw new IllegalArgumentException(
          "carousel.training.tuning-budget must be 0 (off) or positive, got "
              + config.getValue("carousel.training.tuning-budget").unwrapped());
    }
  }

  @Override
  public JsonNode retrain() {
    LiveLog.Snapshot live =
        LiveLog.read(system, JdbcReadJournal.Identifier(), Duration.ofMinutes(5));
    String base =
        baseDataset != null ? baseDataset : ContinuousTraining.recordedBaseDataset(dataDir);
    if (base == null && live.interactions().isEmpty()) {
      throw new IllegalStateException(
          "nothing to train on: no dataset and no interaction in the journal");
    }
    PrintStream log =
        new PrintStream(new LogStream(), true, java.nio.charset.StandardCharsets.UTF_8);
    return ContinuousTraining.run(
            new ContinuousTraining.Options(
                dataRoot,
                dataDir,
                base,
                config,
                holdout,
                tolerance,
                config.seed(),
                threads,
                tuningBudget),
            live,
            log)
        .decision();
  }

  @Override
  public String currentVersion() {
    return registry.currentVersion().orElse(null);
  }

  @Override
  public List<JsonNode> decisions() {
    return registry.decisions();
  }

  @Override
  public JsonNode rollback() {
    try {
      return registry.rollback();
    } catch (IllegalStateException e) {
      throw new Conflict(e.getMessage());
    }
  }

  @Override
  public JsonNode startChallenger(String version) {
    try {
      return registry.startChallenger(version);
    } catch (IllegalStateException e) {
      throw new Conflict(e.getMessage());
    }
  }

  @Override
  public boolean endChallenger(
      com.fasterxml.jackson.databind.node.ObjectNode decision, boolean promote) {
    return registry.endChallenger(decision, promote);
  }

  /** The pipeline's progress lines, to the node's log instead of stdout. */
  private static final class LogStream extends java.io.OutputStream {
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        LOG.info("retrain: {}", line.toString(java.nio.charset.StandardCharsets.UTF_8));
        line.reset();
      } else {
        line.write(b);
      }
    }
  }
}
