package io.carousel.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.carousel.http.LoadedModel;
import io.carousel.offline.simulation.BanditReplay;
import io.carousel.offline.simulation.Simulation;
import io.carousel.offline.simulation.SimulationSettings;
import io.carousel.offline.stats.PairedBootstrap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
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

  /** Goal: the best per-user bandit's hit rate at least this many times the greedy model's. */
  static final double GOAL_RATIO = 1.05;

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
    String text =
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toJson(r));
    System.out.println(offline.json ? text : human(r));
    if (offline.report != null) {
      Files.createDirectories(offline.report);
      String stem = "simulate-" + dataset + (tuning ? "-tuning" : "");
      Path jsonFile = offline.report.resolve(stem + ".json");
      Files.writeString(jsonFile, text + "\n");
      Path png = offline.report.resolve(stem + ".png");
      BitmapEncoder.saveBitmap(chart(r), png.toString(), BitmapEncoder.BitmapFormat.PNG);
      if (!offline.json) {
        System.out.println("report: " + jsonFile + ", " + png);
      }
    }
    return 0;
  }

  /** Returns {dataset, events, policies: {name: {hit_rate, hits}}, ...} in a stable order. */
  static Map<String, Object> toJson(Simulation.Report r) {
    BanditReplay.Outcome o = r.outcome();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dataset", r.dataset());
    m.put("events", o.events());
    Map<String, Object> policies = new LinkedHashMap<>();
    for (BanditReplay.PolicyOutcome p : o.policies()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("hit_rate", o.hitRate(p));
      row.put("hits", p.hits());
      row.put("settings", p.settings());
      policies.put(p.name(), row);
    }
    m.put("policies", policies);
    m.put("protocol", r.protocol());
    m.put("users", o.users());
    m.put("train_interactions", r.trainInteractions());
    m.put("candidate_recall", o.candidateRecall());
    BanditReplay.PolicyOutcome best = o.bestPerUserBandit();
    double ratio = ratio(o, best);
    Map<String, Object> goal = new LinkedHashMap<>();
    goal.put("best_per_user_bandit", best.name());
    goal.put("ratio_to_greedy", ratio);
    goal.put("ratio_to_greedy_ci95_users", ratioInterval(o, best, r.settings().seed()));
    goal.put("target", GOAL_RATIO);
    goal.put("met", ratio >= GOAL_RATIO);
    m.put("goal", goal);
    if (r.seedOutcomes().size() > 1) {
      m.put("seeds", seedsJson(r));
    }
    return m;
  }

  /**
   * Returns {count, best_over_greedy: {mean, min, max, per_seed}, policies: {name: {hit_rate_mean,
   * hit_rate_min, hit_rate_max, over_greedy_mean, over_greedy_min, over_greedy_max}}}.
   */
  private static Map<String, Object> seedsJson(Simulation.Report r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", r.seedOutcomes().size());
    m.put("first_seed", r.settings().seed());
    Map<String, Object> best = new LinkedHashMap<>(spread(r.bestOverGreedy(), ""));
    best.put("per_seed", r.bestOverGreedy());
    m.put("best_over_greedy", best);
    Map<String, Object> policies = new LinkedHashMap<>();
    for (BanditReplay.PolicyOutcome p : r.outcome().policies()) {
      Map<String, Object> row = new LinkedHashMap<>(spread(r.hitRates(p.name()), "hit_rate_"));
      row.putAll(spread(r.overGreedy(p.name()), "over_greedy_"));
      policies.put(p.name(), row);
    }
    m.put("policies", policies);
    return m;
  }

  /** Returns {prefix + mean, prefix + min, prefix + max} of {@code v}. */
  private static Map<String, Object> spread(double[] v, String prefix) {
    var stats = java.util.Arrays.stream(v).summaryStatistics();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(prefix + "mean", stats.getAverage());
    m.put(prefix + "min", stats.getMin());
    m.put(prefix + "max", stats.getMax());
    return m;
  }

  /** Bootstrap resamples of the best/greedy interval. */
  private static final int RESAMPLES = 2000;

  /**
   * Returns the 95 % user-bootstrap interval {lo, hi} of best / greedy ({@link PairedBootstrap}).
   */
  private static double[] ratioInterval(
      BanditReplay.Outcome o, BanditReplay.PolicyOutcome best, long seed) {
    return PairedBootstrap.ratioOfSums95(
        best.hitsByUser(), o.policy(BanditReplay.GREEDY).hitsByUser(), RESAMPLES, seed);
  }

  private static double ratio(BanditReplay.Outcome o, BanditReplay.PolicyOutcome best) {
    long greedy = o.policy(BanditReplay.GREEDY).hits();
    return greedy == 0 ? Double.NaN : (double) best.hits() / greedy;
  }

  private static String human(Simulation.Report r) {
    BanditReplay.Outcome o = r.outcome();
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "%s (%s protocol): %d steps, %d users; slate %d of the model's top %d unseen;"
                + " next item among the candidates in %.2f%% of steps (ceiling)%n",
            r.dataset(),
            r.protocol(),
            o.events(),
            o.users(),
            r.settings().slateSize(),
            r.settings().candidates(),
            100 * o.candidateRecall()));
    s.append(String.format(Locale.ROOT, "%-16s %9s %7s  %s%n", "policy", "hit rate", "hits", ""));
    for (BanditReplay.PolicyOutcome p : o.policies()) {
      s.append(
          String.format(
              Locale.ROOT,
              "%-16s %8.4f%% %7d  %s%n",
              p.name(),
              100 * o.hitRate(p),
              p.hits(),
              p.settings()));
    }
    BanditReplay.PolicyOutcome best = o.bestPerUserBandit();
    double ratio = ratio(o, best);
    double[] ci = ratioInterval(o, best, r.settings().seed());
    s.append(
        String.format(
            Locale.ROOT,
            "goal (best per-user bandit >= %.2f x greedy model): %s — %s at %.3f x greedy"
                + " (95%% interval over users [%.3f, %.3f])",
            GOAL_RATIO,
            ratio >= GOAL_RATIO ? "MET" : "NOT MET",
            best.name(),
            ratio,
            ci[0],
            ci[1]));
    if (r.seedOutcomes().size() > 1) {
      s.append(
          String.format(
              Locale.ROOT,
              "%n%d policy seeds (%d..%d), same candidate log: mean [min, max]%n",
              r.seedOutcomes().size(),
              r.settings().seed(),
              r.settings().seed() + r.seedOutcomes().size() - 1));
      s.append(String.format(Locale.ROOT, "%-16s %30s  %s%n", "policy", "hit rate %", "x greedy"));
      for (BanditReplay.PolicyOutcome p : o.policies()) {
        s.append(
            String.format(
                Locale.ROOT,
                "%-16s %30s  %s%n",
                p.name(),
                meanRange(r.hitRates(p.name()), 100, "%.2f"),
                meanRange(r.overGreedy(p.name()), 1, "%.3f")));
      }
      s.append(
          String.format(
              Locale.ROOT,
              "best per-user bandit / greedy: %s%n",
              meanRange(r.bestOverGreedy(), 1, "%.3f")));
    }
    return s.toString();
  }

  /** Returns "mean [min, max]" of {@code v} times {@code scale}, each in {@code format}. */
  private static String meanRange(double[] v, double scale, String format) {
    var stats = java.util.Arrays.stream(v).summaryStatistics();
    return String.format(
        Locale.ROOT,
        format + " [" + format + ", " + format + "]",
        scale * stats.getAverage(),
        scale * stats.getMin(),
        scale * stats.getMax());
  }

  private static XYChart chart(Simulation.Report r) {
    BanditReplay.Outcome o = r.outcome();
    XYChart c =
        new XYChartBuilder()
            .width(900)
            .height(520)
            .title(r.dataset() + ": cumulative hit rate of a 10-item slate (" + r.protocol() + ")")
            .xAxisTitle("replayed events")
            .yAxisTitle("cumulative hit rate %")
            .build();
    double[] x = new double[o.curveSteps().length];
    for (int i = 0; i < x.length; i++) {
      x[i] = o.curveSteps()[i];
    }
    for (BanditReplay.PolicyOutcome p : o.policies()) {
      double[] y = new double[p.curve().length];
      for (int i = 0; i < y.length; i++) {
        y[i] = 100 * p.curve()[i];
      }
      XYSeries s = c.addSeries(p.name(), x, y);
      s.setMarker(SeriesMarkers.NONE);
    }
    return c;
  }
}
