package io.carousel.offline.report;

import io.carousel.offline.ope.OpenBanditOpe;
import io.carousel.policy.ope.Estimate;
import io.carousel.policy.ope.Estimator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report of {@code carousel ope} on the Open Bandit Dataset: its JSON fields, the text table
 * (also the cell format of {@code ope --from-journal}) and the chart of the estimates; {@link
 * ReportFiles} writes them.
 */
public final class OpeReport {
  private OpeReport() {}

  /** Returns the result as {campaign, rows_train, rows_eval, logged, policies} (stable order). */
  public static Map<String, Object> toJson(OpenBanditOpe.Report r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("campaign", r.campaign());
    m.put("rows_train", r.rowsTrain());
    m.put("rows_eval", r.rowsEval());
    Map<String, Object> logged = new LinkedHashMap<>();
    logged.put("random_ctr", r.randomCtr());
    logged.put("bts_ctr", r.btsCtr());
    m.put("logged", logged);
    Map<String, Object> policies = new LinkedHashMap<>();
    for (OpenBanditOpe.PolicyResult p : r.policies()) {
      Map<String, Object> est = new LinkedHashMap<>();
      for (Estimator e : Estimator.values()) {
        Estimate x = p.estimates().get(e);
        est.put(
            e.name().toLowerCase(Locale.ROOT),
            Map.of("value", x.value(), "lo", x.lo(), "hi", x.hi()));
      }
      policies.put(p.name(), est);
    }
    m.put("policies", policies);
    return m;
  }

  /** The text table {@code carousel ope} prints. */
  public static String text(OpenBanditOpe.Report r, int resamples) {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "OBD %s: learn on the first %d rows (by time) of the random log, estimate on the last"
                + " %d; 95%% bootstrap CIs (%d resamples)%n",
            r.campaign(),
            r.rowsTrain(),
            r.rowsEval(),
            resamples));
    s.append(
        String.format(
            Locale.ROOT,
            "logged CTR, second halves: random %.4f%%  bts %.4f%%   (whole logs: random %.4f%%"
                + "  bts %.4f%%)%n",
            100 * r.randomCtr(),
            100 * r.btsCtr(),
            100 * r.randomCtrFull(),
            100 * r.btsCtrFull()));
    s.append(
        String.format(
            Locale.ROOT,
            "%-15s %-32s %-26s %-26s %-26s%n",
            "policy",
            "settings",
            "IPS %",
            "SNIPS %",
            "DR %"));
    for (OpenBanditOpe.PolicyResult p : r.policies()) {
      s.append(String.format(Locale.ROOT, "%-15s %-32s", p.name(), p.settings()));
      for (Estimator e : Estimator.values()) {
        s.append(cell(p.estimates().get(e)));
      }
      s.append(System.lineSeparator());
    }
    OpenBanditOpe.PolicyResult best = r.bestByDr();
    Estimate dr = best.estimates().get(Estimator.DR);
    s.append(
        String.format(
            Locale.ROOT,
            "goal (best DR >= 1.2 x random CTR and DR lower bound > random CTR): %s — best %s DR"
                + " %.3f%% = %.2f x random, lower bound %.3f%%%n",
            r.goalMet() ? "MET" : "NOT MET",
            best.name(),
            100 * dr.value(),
            dr.value() / r.randomCtr(),
            100 * dr.lo()));
    return s.toString();
  }

  // Estimates (percent CTR) per policy with error bars, one series per estimator, and the logged
  // CTRs as horizontal lines.
  public static XYChart chart(OpenBanditOpe.Report r) {
    XYChart c =
        new XYChartBuilder()
            .width(900)
            .height(520)
            .title("OBD " + r.campaign() + ": CTR estimates on the second half, 95% CI")
            .xAxisTitle("policy (1.." + r.policies().size() + ")")
            .yAxisTitle("CTR %")
            .build();
    List<String> names = new ArrayList<>();
    r.policies().forEach(p -> names.add(p.name()));
    c.getStyler().setxAxisTickLabelsFormattingFunction(x -> label(names, x));
    double offset = -0.15;
    for (Estimator e : Estimator.values()) {
      int n = r.policies().size();
      double[] x = new double[n];
      double[] y = new double[n];
      double[] err = new double[n];
      for (int i = 0; i < n; i++) {
        Estimate est = r.policies().get(i).estimates().get(e);
        x[i] = i + 1 + offset;
        y[i] = 100 * est.value();
        // XChart draws symmetric bars: centre the bar on the interval's midpoint's half-width.
        err[i] = 100 * Math.max(est.hi() - est.value(), est.value() - est.lo());
      }
      XYSeries s = c.addSeries(e.name(), x, y, err);
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      offset += 0.15;
    }
    line(c, "random (logged)", 100 * r.randomCtr(), r.policies().size());
    line(c, "bts (logged)", 100 * r.btsCtr(), r.policies().size());
    return c;
  }

  private static void line(XYChart c, String name, double y, int n) {
    XYSeries s = c.addSeries(name, new double[] {0.5, n + 0.5}, new double[] {y, y});
    s.setMarker(SeriesMarkers.NONE);
  }

  private static String label(List<String> names, double x) {
    int i = (int) Math.round(x) - 1;
    return i >= 0 && i < names.size() && Math.abs(x - (i + 1)) < 1e-6 ? names.get(i) : "";
  }

  /** Formats one estimate as a table cell: "value [lo, hi]" in percent, padded to 27 characters. */
  public static String cell(Estimate x) {
    String text =
        String.format(
            Locale.ROOT, "%.3f [%.3f, %.3f]", 100 * x.value(), 100 * x.lo(), 100 * x.hi());
    return String.format(Locale.ROOT, " %-26s", text);
  }
}
