package io.carousel.cli;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import com.typesafe.config.Config;
import io.carousel.http.journal.JournalReader;
import io.carousel.offline.data.DataDirs;
import io.carousel.offline.living.ContinuousTraining;
import io.carousel.offline.living.LiveLog;
import io.carousel.offline.train.TwoTowerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code carousel train --data-dir D}: one retrain of a stopped node's data directory ({@link
 * ContinuousTraining}, ADR 0012): the dataset it started from plus every interaction and item of
 * its embedded journal → {@code D/models/vN} → the validation gate against the serving model →
 * {@code D/models/decisions.json}, and {@code D/models/current} on promotion. Exit 0 whether the
 * candidate is promoted or rejected (the decision is printed and recorded); 2 when the journal is
 * in use by a running node, or for bad input.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description =
        "Retrain on the dataset a node started from plus everything its journal holds; promote the"
            + " candidate to <data-dir>/models/current only if it passes the validation gate.")
final class TrainCommand implements Callable<Integer> {
  @Option(
      names = "--data-dir",
      defaultValue = "carousel-data",
      description = "The node's data directory, not in use (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--dataset",
      description =
          "The dataset the node started from (default: the promoted version's, else that of the"
              + " model serve trained last; none: the journal alone).")
  String dataset;

  @Option(
      names = "--data-root",
      description =
          "Folder holding the datasets (default: $CAROUSEL_DATA_DIR, else ../shared/data).")
  Path dataRoot;

  @Option(
      names = "--holdout",
      defaultValue = "0.1",
      description =
          "Newest share of the interactions held out for the gate; the candidate trains on the"
              + " rest (default: ${DEFAULT-VALUE}).")
  double holdout;

  @Option(
      names = "--tolerance",
      defaultValue = "0.005",
      description =
          "Largest NDCG@10 loss against the serving model still promoted (default:"
              + " ${DEFAULT-VALUE}); a loss whose 95%% interval lies below 0 is never promoted.")
  double tolerance;

  @Option(names = "--epochs", description = "Training epochs (default: the pipeline's, 10).")
  Integer epochs;

  @Option(
      names = "--tuning-budget",
      defaultValue = "0s",
      description =
          "Time for the grid search of training settings on validation carved from the"
              + " candidate's own training events, e.g. 5m (default: ${DEFAULT-VALUE}, off).")
  String tuningBudget;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description =
          "TensorFlow threads of the training sessions (default: ${DEFAULT-VALUE}, TensorFlow's"
              + " own; the node's background retrain uses carousel.training.threads).")
  int threads;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed of training and of the bootstrap (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() {
    if (!(holdout > 0 && holdout < 1)) {
      throw new IllegalArgumentException("--holdout must be in (0, 1), got " + holdout);
    }
    if (!(tolerance >= 0)) {
      throw new IllegalArgumentException("--tolerance must be >= 0, got " + tolerance);
    }
    if (epochs != null && epochs < 1) {
      throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
    }
    if (threads < 0) {
      throw new IllegalArgumentException("--threads must be >= 0, got " + threads);
    }
    Duration budget = parseBudget(tuningBudget);
    LiveLog.Snapshot live = readJournal(dataDir);
    String base = dataset != null ? dataset : ContinuousTraining.recordedBaseDataset(dataDir);
    if (base == null && live.interactions().isEmpty()) {
      throw new IllegalArgumentException(
          "nothing to train on: no --dataset, no model in "
              + dataDir.toAbsolutePath().resolve("models")
              + " and no interaction in its journal");
    }
    TwoTowerConfig config = TwoTowerConfig.defaults().withSeed(seed);
    if (epochs != null) {
      config = config.withEpochs(epochs);
    }
    ContinuousTraining.Outcome outcome =
        ContinuousTraining.run(
            new ContinuousTraining.Options(
                dataRoot != null ? dataRoot : DataDirs.dataRoot(),
                dataDir,
                base,
                config,
                holdout,
                tolerance,
                seed,
                threads,
                budget),
            live,
            System.out);
    System.out.printf(
        "%s %s; decisions in %s%n",
        outcome.version(),
        outcome.promoted() ? "is now current" : "was not promoted",
        dataDir.toAbsolutePath().resolve("models").resolve("decisions.json"));
    return 0;
  }

  /**
   * Parses {@code --tuning-budget} as HOCON does a duration (5m, 90s, 0).
   *
   * @throws IllegalArgumentException naming the option and the expected form
   */
  static Duration parseBudget(String value) {
    Duration d;
    try {
      d = com.typesafe.config.ConfigFactory.parseString("b = \"" + value + "\"").getDuration("b");
    } catch (com.typesafe.config.ConfigException e) {
      throw new IllegalArgumentException(
          "--tuning-budget must be 0 (off) or a duration such as 5m, got '" + value + "'");
    }
    if (d.isNegative()) {
      throw new IllegalArgumentException(
          "--tuning-budget must be 0 (off) or positive, got '" + value + "'");
    }
    return d;
  }

  /**
   * Reads the embedded journal of {@code dataDir} by tag, after checking that no running node holds
   * it; an absent journal is an empty snapshot. The H2 database is shut down afterwards, so that
   * the file is free again while the model trains.
   *
   * @throws IllegalArgumentException (exit 2, one line) when another process holds the journal
   */
  static LiveLog.Snapshot readJournal(Path dataDir) {
    if (!Files.exists(dataDir.resolve("journal").resolve("carousel.mv.db"))) {
      return LiveLog.Snapshot.empty();
    }
    Config config = JournalReader.embeddedConfig(dataDir);
    Config db = config.getConfig("akka-persistence-jdbc.shared-databases.slick.db");
    JournalReader.checkNotInUse(
        db, dataDir.toAbsolutePath().resolve("journal").toString(), dataDir.toString());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "carousel-train", config);
    try {
      return LiveLog.read(system, JdbcReadJournal.Identifier(), Duration.ofMinutes(5));
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
      shutdown(db);
    }
  }

  /** Closes the in-process H2 database (DB_CLOSE_DELAY=-1 keeps it open after the pool). */
  private static void shutdown(Config db) {
    try (java.sql.Connection c =
            java.sql.DriverManager.getConnection(
                db.getString("url") + ";IFEXISTS=TRUE",
                db.getString("user"),
                db.getString("password"));
        java.sql.Statement st = c.createStatement()) {
      st.execute("SHUTDOWN");
    } catch (java.sql.SQLException e) {
      // already closed: nothing holds the file
    }
  }
}
