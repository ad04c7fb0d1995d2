package io.carousel.offline.report;

import io.carousel.offline.simulation.BanditReplay;
import io.carousel.offline.simulation.Simulation;
import io.carousel.offline.stats.PairedBootstrap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report of {@code carousel simulate}: its JSON fields (with the goal and its user-bootstrap
 * interval), the text table and the cumulative hit-rate chart; {@link ReportFiles} writes them.
 */
public final class SimulationReport {
  /** Goal: the best per-user bandit's hit rate at least this many times the greedy model's. */
  public static final double GOAL_RATIO = 1.05;

  private SimulationReport() {}

  /** Returns {dataset, events, policies: {name: {hit_rate, hits}}, ...} in a stable order. */
  public static Map<String, Object> toJson(Simulation.Report r) {
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

  /** The text table {@code carousel simulate} prints. */
  public static String text(Simulation.Report r) {
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

  /** The cumulative hit-rate curves, one series per policy. */
  public static XYChart chart(Simulation.Report r) {
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
