package io.carousel.cli;

import io.carousel.http.node.LoadedModel;
import io.carousel.offline.report.ReportFiles;
import io.carousel.offline.report.SimulationReport;
import io.carousel.offline.simulation.Simulation;
import io.carousel.offline.simulation.SimulationSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code carousel simulate}: supervised-to-bandit replay of a real log ({@link Simulation}
 * documents the protocol) comparing LinTS, LinUCB, ε-greedy, non-personalised Bernoulli TS and the
 * model's greedy ranking by cumulative hit rate, with a JSON table and a PNG of the curves.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description =
        "Online simulation on a real log: train on the earlier 80%%, replay the later 20%% in time"
            + " order; each policy serves 10 of the model's top 50 and learns from every hit.")
final class SimulateCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin OfflineOptions offline;

  @Option(
      names = "--dataset",
      defaultValue = "movielens-100k",
      completionCandidates = KnownDatasets.class,
      description = "Dataset, one of: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  String dataset;

  @Option(
      names = "--max-events",
      defaultValue = "0",
      description = "Replay at most this many later events, 0 = all (default: ${DEFAULT-VALUE}).")
  int maxEvents;

  @Option(
      names = "--tuning",
      description =
          "Tuning protocol: train on the first 70%% and replay the 70-80%% slice only (never the"
              + " reported 20%%).")
  boolean tuning;

  @Option(
      names = "--seeds",
      defaultValue = "1",
      description =
          "Replay the same candidate log with this many policy seeds (seed + 0 .. seed + N-1) and"
              + " report mean and min-max over them (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(names = "--epsilon", description = "ε of epsilon-greedy (default: 0.02).")
  Double epsilon;

  @Option(names = "--ts-scale", description = "v of linear TS (default: 0.03).")
  Double tsScale;

  @Option(names = "--ucb-alpha", description = "α of LinUCB (default: 0.003).")
  Double ucbAlpha;

  @Option(
      names = "--prior-strength",
      description = "Shared (or pooled) prior strength (default: 1).")
  Double priorStrength;

  @Option(
      names = "--user-strength",
      description =
          "λu of the pooled prior: each user's posterior is centred on one learned from every"
              + " user's impressions; 0 = independent per-user posteriors (default: 1000).")
  Double userStrength;

  @Option(
      names = "--projection-strength",
      description =
          "Pooled prior's precision on the seen flag and the 12 projected item dims (default:"
              + " 300).")
  Double projectionStrength;

  @Option(
      names = "--trend-half-life",
      description =
          "Half-life in interactions of the online trend-popularity feature (17-d contexts);"
              + " 0 = off, 16-d standard layout (default: 200).")
  Double trendHalfLife;

  @Option(
      names = "--long-trend-half-life",
      description =
          "Half-life of a second, slower trend feature (18-d contexts); 0 = none (default:"
              + " 10000).")
  Double longTrendHalfLife;

  @Option(
      names = "--data-dir",
      defaultValue = "carousel-data",
      description = "Models and caches (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    if (maxEvents < 0) {
      throw new IllegalArgumentException("--max-events must be >= 0");
    }
    if (seeds < 1) {
      throw new IllegalArgumentException("--seeds must be >= 1");
    }
    SimulationSettings d = SimulationSettings.defaults();
    SimulationSettings settings =
        new SimulationSettings(
                d.slateSize(),
                d.candidates(),
                d.priorStrength(),
                d.epsilon(),
                d.tsScale(),
                d.ucbAlpha(),
                d.btsPriorCtr(),
                d.btsPriorStrength(),
                LoadedModel.FEATURE_SEED,
                d.seed(),
                d.batchSize(),
                maxEvents,
                d.userStrength(),
                d.projectionStrength(),
                d.trendHalfLife(),
                d.longTrendHalfLife())
            .withPooling(
                userStrength != null ? userStrength : d.userStrength(),
                projectionStrength != null ? projectionStrength : d.projectionStrength())
            .withTrends(
                trendHalfLife != null ? trendHalfLife : d.trendHalfLife(),
                longTrendHalfLife != null ? longTrendHalfLife : d.longTrendHalfLife())
            .withExploration(
                epsilon != null ? epsilon : d.epsilon(),
                tsScale != null ? tsScale : d.tsScale(),
                ucbAlpha != null ? ucbAlpha : d.ucbAlpha(),
                priorStrength != null ? priorStrength : d.priorStrength());
    Path root = offline.dataRoot();
    Simulation.Report r =
        Simulation.run(
            root,
            dataset,
            dataDir,
            settings,
            tuning,
            seeds,
            offline.json ? System.err : System.out);
    String text = ReportFiles.json(SimulationReport.toJson(r));
    System.out.println(offline.json ? text : SimulationReport.text(r));
    if (offline.report != null) {
      String stem = "simulate-" + dataset + (tuning ? "-tuning" : "");
      List<Path> files = ReportFiles.write(offline.report, stem, text, SimulationReport.chart(r));
      if (!offline.json) {
        System.out.println("report: " + files.get(0) + ", " + files.get(1));
      }
    }
    return 0;
  }
}
