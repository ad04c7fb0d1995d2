package io.carousel.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.carousel.engine.Catalog;
import io.carousel.engine.model.ModelFolder;
import io.carousel.engine.model.ModelMeta;
import io.carousel.http.journal.JournalReader;
import io.carousel.http.node.CarouselServer;
import io.carousel.http.node.LoadedModel;
import io.carousel.offline.data.Dataset;
import io.carousel.offline.data.DatasetReader;
import io.carousel.offline.data.FileSource;
import io.carousel.offline.demo.LivingPlan;
import io.carousel.offline.demo.LivingRun;
import io.carousel.offline.living.ContinuousTraining;
import io.carousel.offline.living.LiveLog;
import io.carousel.offline.train.TrainingPipeline;
import io.carousel.offline.train.TwoTowerConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code carousel demo --living} (issue 16 §4): two servers in this process, each with its own data
 * directory ({@code <data-dir>/living}, {@code <data-dir>/frozen}), both started from one model
 * trained on the earlier part of the log; the later part is replayed to both, items first seen
 * there are added through {@code PUT /v1/items}, and only the living arm retrains ({@link
 * LivingRun}).
 *
 * <p>The starting model is trained on a {@code file:} dataset written from the earlier part (and
 * only its items), and that file is the living arm's base dataset for every retrain: a retrain sees
 * the earlier part plus what arrived through the API, never the later part of the original log.
 * Training the starting model and every retrain use the same epochs, so the arms differ only in the
 * data the living one has seen.
 */
final class LivingDemo {
  private LivingDemo() {}

  /** What {@code demo --living} was given. */
  record Options(
      int k,
      int workers,
      int maxEvents,
      int retrainEvery,
      int epochs,
      double holdout,
      boolean restartToPromote,
      Path report) {}

  static int run(NodeOptions node, Options o) throws Exception {
    Path dataDir = node.dataDir;
    Path livingDir = dataDir.resolve("living");
    Path frozenDir = dataDir.resolve("frozen");
    for (Path d : List.of(livingDir, frozenDir)) {
      long stored = JournalReader.storedUserEvents(d);
      if (stored > 0) {
        throw new IllegalArgumentException(
            "the journal under "
                + d
                + " already holds "
                + stored
                + " user events: a second living demo here would only replay duplicates. Use a"
                + " fresh --data-dir, or delete "
                + dataDir.resolve("living")
                + " and "
                + dataDir.resolve("frozen"));
      }
    }
    Path dataRoot = node.dataRoot();
    Dataset dataset = DatasetReader.read(dataRoot, node.dataset);
    LivingPlan plan =
        LivingPlan.of(dataset, DemoCommand.TRAIN_FRACTION, o.maxEvents(), o.retrainEvery());
    System.out.printf(
        "living demo: %s, earlier %d interactions (%d items) train the starting model; %d later"
            + " events replayed to both arms, %d items added live by PUT, %d retrains of the living"
            + " arm (every %d events)%n",
        dataset.name(),
        plan.base().size(),
        plan.baseItems().size(),
        plan.replay().size(),
        plan.liveItems().size(),
        plan.retrains(),
        o.retrainEvery());

    // The earlier part as a shop's own log: the starting model's data and every retrain's base.
    Path baseDir = dataDir.resolve("living-base");
    Path log = baseDir.resolve("earlier.ndjson").toAbsolutePath();
    Path items = baseDir.resolve("items.ndjson").toAbsolutePath();
    ContinuousTraining.writeMergedLog(
        new Dataset(dataset.name() + "-earlier", new Catalog(plan.baseItems()), plan.base()),
        new LiveLog.Snapshot(List.of(), Map.of(), List.of()),
        log,
        items);
    String baseSource =
        FileSource.name(log.toString(), "ndjson", null, null, items.toString(), null);
    TwoTowerConfig cfg = TwoTowerConfig.defaults().withEpochs(o.epochs());
    long t0 = System.nanoTime();
    TrainingPipeline.Prepared prepared =
        TrainingPipeline.prepare(
            dataRoot,
            baseSource,
            livingDir,
            cfg,
            1.0,
            io.carousel.engine.privacy.DpSettings.OFF,
            System.out);
    double trainSeconds = (System.nanoTime() - t0) / 1e9;

    Config living = armConfig(node, livingDir, o);
    Config frozen = armConfig(node, frozenDir, o);
    Arm livingArm = new Arm(living, dataRoot, livingDir, baseSource);
    Arm frozenArm = new Arm(frozen, null, frozenDir, null);
    try (livingArm;
        frozenArm) {
      livingArm.start(prepared.modelDir());
      frozenArm.start(prepared.modelDir());
      System.out.printf(
          "living arm %s (retrains), frozen arm %s%n", livingArm.base(), frozenArm.base());
      Map<String, Object> context = new LinkedHashMap<>();
      context.put("train_fraction", DemoCommand.TRAIN_FRACTION);
      context.put("epochs_start_and_retrain", o.epochs());
      context.put("gate_holdout", o.holdout());
      context.put("gate_tolerance", living.getDouble("carousel.training.tolerance"));
      context.put("restart_to_promote", o.restartToPromote());
      context.put("replay_workers_per_arm", o.workers());
      context.put("starting_model", prepared.modelDir().toString());
      context.put("starting_model_training_seconds", Math.round(trainSeconds * 10) / 10.0);
      context.put("cores", Runtime.getRuntime().availableProcessors());
      Path reportDir =
          o.report() != null
              ? o.report()
              : dataDir
                  .resolve("report")
                  .resolve(TrainingPipeline.folderName(node.dataset) + "-living");
      LivingRun.Outcome outcome =
          LivingRun.run(
              dataset.name(),
              plan,
              dataset.catalog(),
              livingArm::base,
              frozenArm::base,
              version -> {
                livingArm.restart(livingArm.registryFolder(version));
                return livingArm.base();
              },
              new LivingRun.Settings(
                  o.k(),
                  o.workers(),
                  o.restartToPromote(),
                  Math.max(100, Math.min(1000, plan.replay().size() / 5)),
                  Duration.ofMinutes(15),
                  1L),
              reportDir,
              context,
              System.out);
      System.out.println(outcome.humanSummary());
      System.out.println("report: " + outcome.files());
      return 0;
    }
  }

  /**
   * The demo's configuration for one arm's data directory (the journal's URL is resolved from
   * {@code carousel.data-dir}, so the whole configuration is built again for it), any free port.
   */
  private static Config armConfig(NodeOptions node, Path dir, Options o) {
    Path given = node.dataDir;
    Config demo;
    try {
      node.dataDir = dir;
      demo = DemoCommand.demoConfig(node);
    } finally {
      node.dataDir = given;
    }
    io.carousel.http.auth.AuthSettings.fromConfig(demo)
        .checkExposure(demo.getString("carousel.http.host"));
    return ConfigFactory.parseString(
            "carousel.http.port = 0\n"
                + "akka.remote.artery.canonical.port = 0\n"
                + "akka.cluster.jmx.multi-mbeans-in-same-jvm = on\n"
                + "carousel.training.interval = off\n"
                + "carousel.training.epochs = "
                + o.epochs()
                + "\ncarousel.training.holdout = "
                + o.holdout()
                + "\n")
        .withFallback(demo)
        .resolve();
  }

  /** One arm's server and model; the living one has a trainer and can be restarted. */
  private static final class Arm implements AutoCloseable {
    private final Config config;
    private final Path dataRoot;
    private final Path dataDir;
    private final String baseSource;
    private LoadedModel model;
    private CarouselServer server;

    Arm(Config config, Path dataRoot, Path dataDir, String baseSource) {
      this.config = config;
      this.dataRoot = dataRoot;
      this.dataDir = dataDir;
      this.baseSource = baseSource;
      if (baseSource != null) {
        LivingTrainer.checkSettings(config);
      }
    }

    void start(Path modelDir) {
      CarouselServer.checkCanStart(config);
      ModelMeta meta = ModelFolder.at(modelDir).meta();
      model = LoadedModel.load(modelDir, meta.catalog(), meta.trainCounts());
      server =
          CarouselServer.start(
              config,
              model,
              () -> new io.carousel.engine.text.MiniLmTextEncoder(Runnable::run),
              baseSource == null
                  ? null
                  : system -> new LivingTrainer(system, dataRoot, dataDir, baseSource, config));
    }

    /** The promoted version's folder, its checksums verified ({@code serve}'s check). */
    Path registryFolder(String version) {
      Path folder = ServeCommand.promotedVersion(dataDir);
      if (folder == null || !folder.getFileName().toString().equals(version)) {
        throw new IllegalStateException(
            "the registry under " + dataDir + " does not name " + version + " as current");
      }
      return folder;
    }

    /** Stops the server and starts it again on {@code modelDir}, on the same journal. */
    void restart(Path modelDir) {
      close();
      start(modelDir);
    }

    URI base() {
      return URI.create("http://" + server.host() + ":" + server.port());
    }

    @Override
    public void close() {
      if (server != null) {
        server.close();
        server = null;
      }
      if (model != null) {
        model.close();
        model = null;
      }
    }
  }
}
