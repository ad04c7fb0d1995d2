package io.carousel.cli;

import io.carousel.http.node.CarouselServer;
import io.carousel.http.node.LoadedModel;
import io.carousel.http.ops.DemoLinks;
import io.carousel.offline.data.Interaction;
import io.carousel.offline.demo.DemoRun;
import io.carousel.offline.train.TrainingPipeline;
import io.carousel.offline.train.TwoTowerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code carousel demo}: the whole loop on real data — import, embed, train, serve, replay the
 * later interactions through the real HTTP API, report, then keep serving (or exit).
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Train on the earlier interactions of a real dataset, serve, replay the later ones as live"
            + " traffic through the HTTP API, and report online HR@10, latency and freshness.")
final class DemoCommand implements Callable<Integer> {
  /** Share of interactions (by time) used for training; the rest is replayed. */
  static final double TRAIN_FRACTION = 0.8;

  @Mixin NodeOptions node;

  @Option(names = "--report", description = "Report folder (default: <data-dir>/report/<dataset>).")
  Path report;

  @Option(
      names = "--insecure",
      description = "Allow a non-loopback --host: the demo serves every route open (no API keys).")
  boolean insecure;

  @Option(names = "--exit", description = "Exit after the replay instead of serving on.")
  boolean exit;

  @Option(
      names = "--max-events",
      description =
          "Replay at most this many of the later events, 0 = all (default: 5000; with --living"
              + " 10000).")
  Integer maxEvents;

  @Option(
      names = "--workers",
      defaultValue = "4",
      description =
          "Concurrent replay clients; users are partitioned over them (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(
      names = "--living",
      description =
          "Two arms in one run: a living model that retrains every --retrain-every events (POST"
              + " /v1/model/retrain, validation gate) and a frozen one, same stream; reports online"
              + " HR@10 of both with intervals, new items vs popularity, and a chart (issue 16)."
              + " Default dataset movielens-100k, --max-events as given; exits when done.")
  boolean living;

  @Option(
      names = "--retrain-every",
      defaultValue = "2500",
      description =
          "--living: events between retrains of the living arm (default: ${DEFAULT-VALUE}).")
  int retrainEvery;

  @Option(
      names = "--epochs",
      defaultValue = "2",
      description =
          "--living: training epochs of the starting model and of every retrain (default:"
              + " ${DEFAULT-VALUE}).")
  int epochs;

  @Option(
      names = "--holdout",
      defaultValue = "0.02",
      description =
          "--living: newest share of the living arm's log held out for the validation gate; the"
              + " candidate is not trained on it (default: ${DEFAULT-VALUE}).")
  double holdout;

  @Option(
      names = "--restart-to-promote",
      description =
          "--living: restart the living arm's server on a promoted version when the node cannot"
              + " swap it in (GET /v1/model restartRequired), as an operator does without hot swap.")
  boolean restartToPromote;

  @Option(
      names = "--k",
      defaultValue = "10",
      description = "Slate size (default: ${DEFAULT-VALUE}).")
  int k;

  @Override
  public Integer call() throws Exception {
    if (maxEvents == null) {
      maxEvents = living ? 10_000 : 5000;
    }
    if (maxEvents < 0 || workers < 1 || k < 1) {
      throw new IllegalArgumentException("--max-events must be >= 0, --workers and --k >= 1");
    }
    if (living) {
      if (!node.datasetGiven()) {
        // amazon2018-small's later part is 1,063 events: too few for a retrain to matter.
        node.dataset = "movielens-100k";
      }
      return LivingDemo.run(
          node,
          new LivingDemo.Options(
              k, workers, maxEvents, retrainEvery, epochs, holdout, restartToPromote, report));
    }
    var config = demoConfig(node);
    // Before training or loading: a second demo on the same --data-dir, or a busy port, was
    // refused only after the model was loaded and the server started.
    CarouselServer.checkCanStart(config);
    // The replay's event ids are fixed: on a used journal it would replay duplicates only. Refused
    // here, before the embedding and the training, not once the server has started.
    if ("embedded".equals(config.getString("carousel.persistence.kind"))) {
      long stored = io.carousel.http.journal.JournalReader.storedUserEvents(node.dataDir);
      if (stored > 0) {
        throw new IllegalArgumentException(
            "the journal under "
                + node.dataDir
                + " already holds "
                + stored
                + " user events: a second demo here would only replay duplicates. Use a fresh"
                + " --data-dir, or delete <data-dir>/journal to start over");
      }
    }
    // The demo's replay client sends no key: it serves open, so only on loopback unless told.
    io.carousel.http.auth.AuthSettings.fromConfig(config)
        .checkExposure(insecure ? "127.0.0.1" : config.getString("carousel.http.host"));
    TrainingPipeline.Prepared prepared =
        TrainingPipeline.prepare(
            node.dataRoot(),
            node.dataset,
            node.dataDir,
            TwoTowerConfig.defaults(),
            TRAIN_FRACTION,
            io.carousel.engine.privacy.DpSettings.fromConfig(config),
            System.out);
    List<Interaction> replay = prepared.split().replay();
    if (maxEvents > 0 && replay.size() > maxEvents) {
      System.out.printf(
          "replaying the first %d of %d later events (--max-events 0 replays all)%n",
          maxEvents, replay.size());
      replay = replay.subList(0, maxEvents);
    }
    Path reportDir =
        report != null
            ? report
            : node.dataDir.resolve("report").resolve(TrainingPipeline.folderName(node.dataset));
    try (LoadedModel loaded =
            LoadedModel.load(
                prepared.modelDir(),
                prepared.meta().catalog(),
                prepared.meta().trainCounts(),
                0,
                io.carousel.engine.retrieval.IndexChoice.fromConfig(config));
        CarouselServer server = CarouselServer.start(config, loaded)) {
      System.out.print(
          ServeCommand.addresses("http", server.host(), server.port(), "replaying the demo"));
      // With API keys the page needs a shopper token: how to mint one (never the key itself).
      DemoLinks.withKeys(config, server.host(), server.port()).forEach(System.out::println);
      DemoRun.Outcome outcome =
          DemoRun.run(
              server.host(),
              server.port(),
              prepared,
              replay,
              k,
              workers,
              config.getString("carousel.persistence.kind"),
              reportDir);
      System.out.println(outcome.humanSummary());
      System.out.println("report: " + outcome.files());
      if (!exit) {
        System.out.printf(
            "serving on http://%s:%d/ — try: curl 'http://%s:%d/v1/users/%s/recommendations?k=5'"
                + "  (Ctrl-C to stop)%n",
            server.host(),
            server.port(),
            server.host(),
            server.port(),
            replay.isEmpty() ? "someone" : replay.get(0).userId());
        DemoLinks.withKeys(config, server.host(), server.port()).forEach(System.out::println);
        server.awaitTermination();
      }
      return outcome.invariantsHold() ? 0 : 1;
    }
  }

  /** The node's configuration with the demo's overrides (see the comments). */
  static com.typesafe.config.Config demoConfig(NodeOptions node) {
    // The demo closes its own server and then returns its exit code; with exit-jvm on (the node
    // default, so that a downed cluster node exits) closing it would end the JVM with code 0
    // before an error is printed.
    var config =
        node.toConfig()
            .withValue(
                "akka.coordinated-shutdown.exit-jvm",
                com.typesafe.config.ConfigValueFactory.fromAnyRef(false));
    // Shedding a Score request that queued over 50 ms protects a server at capacity; the demo is
    // one replay on a box that may be busy with other work, where it turned a slow moment into a
    // 503 and a missed push (an exit code of 1 at load average 15). Latency is still reported.
    if (config.getDuration("carousel.scoring.max-queue-delay").toMillis() == 50) {
      config =
          config.withValue(
              "carousel.scoring.max-queue-delay",
              com.typesafe.config.ConfigValueFactory.fromAnyRef("2 s"));
    }
    return config;
  }
}
