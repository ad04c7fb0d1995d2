package io.carousel.cli;

import io.carousel.engine.model.ModelFolder;
import io.carousel.engine.model.ModelMeta;
import io.carousel.http.model.ModelTrainer;
import io.carousel.http.node.CarouselServer;
import io.carousel.http.node.LoadedModel;
import io.carousel.http.ops.DemoLinks;
import io.carousel.offline.living.ContinuousTraining;
import io.carousel.offline.living.ModelRegistry;
import io.carousel.offline.train.TrainingPipeline;
import io.carousel.offline.train.TwoTowerConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code carousel serve}: starts one node and serves until Ctrl-C. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Start the server alone (trains the dataset's model first if there is none).")
final class ServeCommand implements Callable<Integer> {
  @Mixin NodeOptions node;

  @Mixin AuthOptions auth;

  @Option(
      names = "--model",
      description =
          "A trained model directory (with model-meta.json), instead of --dataset; default: the"
              + " --dataset's.")
  Path model;

  @Option(
      names = "--train-fraction",
      defaultValue = "1.0",
      description =
          "Share of the --dataset's interactions (earliest first) the model is trained on when no"
              + " --model is given; the demo holds the later 20 %% back to replay (default:"
              + " ${DEFAULT-VALUE}, all of them).")
  double trainFraction;

  @Option(
      names = "--catalogue-items",
      defaultValue = "0",
      description =
          "Serve a catalogue of this many items: when the trained one is smaller, extend it with"
              + " synthetic items drawn from the trained item vectors (benchmarks at 100k / 1M"
              + " items; docs/scoring.md). Default: ${DEFAULT-VALUE}, the trained catalogue.")
  int catalogueItems;

  @Override
  public Integer call() throws Exception {
    if (!(trainFraction > 0 && trainFraction <= 1)) {
      throw new IllegalArgumentException(
          "--train-fraction must be in (0, 1], got " + trainFraction);
    }
    var config = auth.apply(node.toConfig());
    if (model != null && node.datasetGiven()) {
      throw new IllegalArgumentException("give --dataset or --model, not both");
    }
    // Before training or loading: a busy port or journal failed only after them.
    CarouselServer.checkCanStart(config);
    var trainers = trainers(config);
    Path modelDir = model;
    if (modelDir == null) {
      // The registry's current version (a node joining a cluster loads what the others serve).
      String registryDir = config.getString("carousel.training.registry-dir");
      modelDir =
          promotedVersion(
              registryDir.isEmpty() ? node.dataDir : Path.of(registryDir),
              node.datasetGiven() ? node.dataset : null);
    }
    if (modelDir == null) {
      modelDir =
          TrainingPipeline.prepare(
                  node.dataRoot(),
                  node.dataset,
                  node.dataDir,
                  TwoTowerConfig.defaults(),
                  trainFraction,
                  io.carousel.engine.privacy.DpSettings.fromConfig(config),
                  System.out)
              .modelDir();
    }
    ModelMeta meta = ModelFolder.at(modelDir).meta();
    try (LoadedModel loaded =
            LoadedModel.load(
                modelDir,
                meta.catalog(),
                meta.trainCounts(),
                catalogueItems,
                io.carousel.engine.retrieval.IndexChoice.fromConfig(config));
        CarouselServer server =
            CarouselServer.start(
                config,
                loaded,
                () -> new io.carousel.engine.text.MiniLmTextEncoder(Runnable::run),
                trainers)) {
      System.out.print(
          addresses(
              CarouselServer.tls(config) ? "https" : "http",
              server.host(),
              server.port(),
              "Ctrl-C to stop"));
      DemoLinks.withKeys(config, server.host(), server.port()).forEach(System.out::println);
      server.awaitTermination();
    }
    return 0;
  }

  /**
   * Returns the registry's promoted version ({@code <data-dir>/models/current}, ADR 0012) to serve
   * instead of training or loading the dataset's model, or null when there is none.
   *
   * @throws IllegalArgumentException when its folder fails its checksums (never served)
   */
  static Path promotedVersion(Path dataDir) {
    return promotedVersion(dataDir, null);
  }

  /**
   * {@link #promotedVersion(Path)}, refusing a promoted version trained from another dataset than
   * the {@code --dataset} given: serving it would answer for the other shop's catalogue.
   *
   * @param datasetGiven the {@code --dataset} given, or null when none was
   * @throws IllegalArgumentException naming both datasets and the ways out
   */
  static Path promotedVersion(Path dataDir, String datasetGiven) {
    ModelRegistry registry = new ModelRegistry(dataDir);
    java.util.Optional<String> current = registry.currentVersion();
    if (current.isEmpty()) {
      return null;
    }
    if (datasetGiven != null) {
      String base = ContinuousTraining.recordedBaseDataset(dataDir);
      if (!datasetGiven.equals(base)) {
        throw new IllegalArgumentException(
            "--dataset "
                + datasetGiven
                + ": the data dir's promoted model "
                + current.get()
                + " was trained from "
                + (base == null ? "the journal alone" : base)
                + " ("
                + registry.models().resolve("current").toAbsolutePath()
                + "); serve it without --dataset, or give another --data-dir for "
                + datasetGiven);
      }
    }
    Path folder = registry.folder(current.get());
    String problem = ModelRegistry.checksumProblem(folder);
    if (problem != null) {
      throw new IllegalArgumentException(
          "the promoted model "
              + current.get()
              + " is damaged: "
              + problem
              + "; roll back (carousel serve --model another folder) or retrain with carousel"
              + " train");
    }
    System.out.printf("serving %s, the promoted version (%s)%n", current.get(), folder);
    return folder;
  }

  /**
   * The node's retrain ({@code POST /v1/model/retrain}, {@code carousel.training.interval}): on the
   * embedded journal only; a Cassandra journal has no tag views yet (ADR 0012 §1), so those routes
   * answer 503 there.
   */
  private java.util.function.Function<akka.actor.typed.ActorSystem<?>, ModelTrainer> trainers(
      com.typesafe.config.Config config) {
    if (!"embedded".equals(config.getString("carousel.persistence.kind"))) {
      return null;
    }
    LivingTrainer.checkSettings(config);
    String base = node.datasetGiven() ? node.dataset : null;
    Path dataRoot = node.dataRoot();
    Path dataDir = node.dataDir;
    return system -> new LivingTrainer(system, dataRoot, dataDir, base, config);
  }

  /**
   * The start-up lines: the base address, then the demo page, the metrics and the API description,
   * so that the first address a person opens answers ({@code /} redirects to {@code /demo}).
   */
  static String addresses(String scheme, String host, int port, String hint) {
    String base = scheme + "://" + host + ":" + port;
    return String.format(
        "Carousel serving %s/ — %s%n  demo page  %s/demo%n  metrics    %s/metrics%n"
            + "  API        %s/openapi.yaml%n",
        base, hint, base, base, base);
  }
}
