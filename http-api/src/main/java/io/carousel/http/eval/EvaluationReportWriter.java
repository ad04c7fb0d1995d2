package io.carousel.http.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.carousel.engine.eval.BaselineComparison;
import io.carousel.engine.eval.Evaluation;
import io.carousel.engine.eval.Metrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * Writes an {@link Evaluation.Report} as JSON ({@code {dataset, protocol, users, items, cold_items,
 * candidate_items, unknown_targets (test targets seen only in held-out events), models: {name:
 * {hr_at_10, ndcg_at_10, mrr_at_20, coverage_at_10, train_seconds, ...}}}}), a bar chart of the
 * test metrics and the two-tower loss curves (PNG, headless XChart).
 */
public final class EvaluationReportWriter {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private EvaluationReportWriter() {}

  /** Returns the report as the JSON tree described in the class comment. */
  public static Map<String, Object> toJson(Evaluation.Report r) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("dataset", r.dataset());
    root.put("protocol", r.protocol());
    root.put("users", r.users());
    root.put("items", r.items());
    root.put("cold_items", r.coldItems());
    root.put("candidate_items", r.candidates());
    root.put("unknown_targets", r.unknownTargets());
    Map<String, Object> models = new LinkedHashMap<>();
    for (Evaluation.ModelResult m : r.models()) {
      Metrics t = m.test();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("hr_at_10", round(t.hrAt10()));
      row.put("ndcg_at_10", round(t.ndcgAt10()));
      row.put("mrr_at_20", round(t.mrrAt20()));
      row.put("coverage_at_10", round(t.coverageAt10()));
      row.put("train_seconds", Math.round(m.trainSeconds() * 100) / 100.0);
      row.put("validation_ndcg_at_10", round(m.validation().ndcgAt10()));
      if (r.coldItems() > 0) {
        row.put("cold_users", t.coldUsers());
        row.put("cold_hr_at_10", round(t.coldHrAt10()));
        row.put("cold_ndcg_at_10", round(t.coldNdcgAt10()));
      }
      if (m.testRepeatsExcluded() != null) {
        Metrics x = m.testRepeatsExcluded();
        row.put("repeats_excluded_hr_at_10", round(x.hrAt10()));
        row.put("repeats_excluded_ndcg_at_10", round(x.ndcgAt10()));
        row.put("repeats_excluded_mrr_at_20", round(x.mrrAt20()));
      }
      row.put("settings", m.settings());
      if (!m.trainLoss().isEmpty()) {
        row.put("train_loss_per_epoch", m.trainLoss());
        row.put("validation_loss_per_epoch", m.validationLoss());
      }
      models.put(m.name(), row);
    }
    root.put("models", models);
    Map<String, Object> comparisons = new LinkedHashMap<>();
    for (String model : List.of("carousel", "carousel-tower", "carousel-no-text")) {
      BaselineComparison.of(r, model)
          .ifPresent(
              c -> {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("baseline", c.baseline());
                row.put("ndcg_at_10_difference", round(c.difference()));
                row.put("ci95_users", List.of(round(c.lo()), round(c.hi())));
                row.put("users", c.users());
                comparisons.put(model, row);
              });
    }
    root.put("versus_best_baseline", comparisons);
    return root;
  }

  /** Returns the JSON text of {@link #toJson}. */
  public static String jsonText(Evaluation.Report r) {
    try {
      return JSON.writeValueAsString(toJson(r));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialise the evaluation report", e);
    }
  }

  private static boolean excludedToo(Evaluation.Report r) {
    return r.models().stream().anyMatch(m -> m.testRepeatsExcluded() != null);
  }

  /**
   * Returns a fixed-width text table of the test metrics (cold columns when there are cold items).
   */
  public static String table(Evaluation.Report r) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            java.util.Locale.ROOT,
            "%d users, %d items, %d candidates on test; %d test targets seen only in held-out events"
                + " (not candidates: a miss for every model)%n",
            r.users(),
            r.items(),
            r.candidates(),
            r.unknownTargets()));
    sb.append(
        String.format(
            "%-18s %8s %8s %8s %8s %9s %9s%s%n",
            "model",
            "HR@10",
            "NDCG@10",
            "MRR@20",
            "cov@10",
            "valNDCG",
            "train s",
            (r.coldItems() > 0 ? "  coldHR@10 coldNDCG@10" : "")
                + (excludedToo(r) ? "  | repeats excluded: HR@10 NDCG@10 MRR@20" : "")));
    for (Evaluation.ModelResult m : r.models()) {
      Metrics t = m.test();
      Metrics x = m.testRepeatsExcluded();
      sb.append(
          String.format(
              "%-18s %8.4f %8.4f %8.4f %8.4f %9.4f %9.1f%s%n",
              m.name(),
              t.hrAt10(),
              t.ndcgAt10(),
              t.mrrAt20(),
              t.coverageAt10(),
              m.validation().ndcgAt10(),
              m.trainSeconds(),
              (r.coldItems() > 0
                      ? String.format("  %9.4f %11.4f", t.coldHrAt10(), t.coldNdcgAt10())
                      : "")
                  + (x != null
                      ? String.format(
                          "  | %26.4f %7.4f %6.4f", x.hrAt10(), x.ndcgAt10(), x.mrrAt20())
                      : "")));
    }
    for (String model : List.of("carousel", "carousel-tower", "carousel-no-text")) {
      BaselineComparison.of(r, model)
          .ifPresent(
              c ->
                  sb.append(
                      String.format(
                          java.util.Locale.ROOT,
                          "%s vs best baseline %s: NDCG@10 %+.4f, 95%% interval over %d users"
                              + " [%+.4f, %+.4f]%n",
                          c.model(),
                          c.baseline(),
                          c.difference(),
                          c.users(),
                          c.lo(),
                          c.hi())));
    }
    return sb.toString();
  }

  /**
   * Writes {@code evaluation.json}, {@code evaluation.png} and {@code loss-<model>.png} into {@code
   * dir} (created if needed).
   *
   * @return the files written
   * @throws UncheckedIOException if a file cannot be written
   */
  public static List<Path> write(Evaluation.Report r, Path dir) {
    List<Path> files = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      Path json = dir.resolve("evaluation.json");
      Files.writeString(json, jsonText(r));
      files.add(json);
      Path bars = dir.resolve("evaluation.png");
      BitmapEncoder.saveBitmap(barChart(r), bars.toString(), BitmapEncoder.BitmapFormat.PNG);
      files.add(bars);
      for (Evaluation.ModelResult m : r.models()) {
        if (!m.trainLoss().isEmpty()) {
          Path loss = dir.resolve("loss-" + m.name() + ".png");
          BitmapEncoder.saveBitmap(
              lossChart(r, m), loss.toString(), BitmapEncoder.BitmapFormat.PNG);
          files.add(loss);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the evaluation report to " + dir, e);
    }
    return files;
  }

  private static CategoryChart barChart(Evaluation.Report r) {
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(1000)
            .height(500)
            .title(r.dataset() + ": leave-one-out test, full ranking (" + r.users() + " users)")
            .xAxisTitle("model")
            .yAxisTitle("metric")
            .build();
    List<String> names = r.models().stream().map(Evaluation.ModelResult::name).toList();
    chart.addSeries("HR@10", names, r.models().stream().map(m -> m.test().hrAt10()).toList());
    chart.addSeries("NDCG@10", names, r.models().stream().map(m -> m.test().ndcgAt10()).toList());
    chart.addSeries("MRR@20", names, r.models().stream().map(m -> m.test().mrrAt20()).toList());
    if (r.coldItems() > 0) {
      chart.addSeries(
          "cold HR@10", names, r.models().stream().map(m -> m.test().coldHrAt10()).toList());
    }
    return chart;
  }

  private static XYChart lossChart(Evaluation.Report r, Evaluation.ModelResult m) {
    XYChart chart =
        new XYChartBuilder()
            .width(800)
            .height(450)
            .title(r.dataset() + ": " + m.name() + " loss per epoch")
            .xAxisTitle("epoch")
            .yAxisTitle("cross-entropy (nats)")
            .build();
    List<Integer> epochs = IntStream.rangeClosed(1, m.trainLoss().size()).boxed().toList();
    chart.addSeries("train", epochs, m.trainLoss());
    if (!m.validationLoss().isEmpty()) {
      chart.addSeries(
          "validation",
          IntStream.rangeClosed(1, m.validationLoss().size()).boxed().toList(),
          m.validationLoss());
    }
    return chart;
  }

  private static double round(double x) {
    return Math.round(x * 1e4) / 1e4;
  }
}
