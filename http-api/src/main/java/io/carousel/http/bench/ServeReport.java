package io.carousel.http.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/** The serving benchmark's table, JSON and PNG (p99 latency against offered load). */
public final class ServeReport {
  private ServeReport() {}

  /** The Markdown table header of {@link #row}. */
  public static final String HEADER =
      "| kind | loop | offered/s | conns | achieved/s | ok | errors | p50 ms | p99 ms | p999 ms |"
          + " max ms | service p99 ms | server CPU ms/req |\n"
          + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

  /** One phase as a Markdown table row; latencies are coordinated-omission corrected. */
  static String row(LoadDriver.Result r) {
    return String.format(
        "| %s | %s | %s | %s | %.0f | %d | %d | %.2f | %.2f | %.2f | %.1f | %.2f | %s |",
        r.kind(),
        r.loop(),
        r.offeredPerSecond() > 0 ? String.format("%.0f", r.offeredPerSecond()) : "-",
        r.connections() > 0 ? Integer.toString(r.connections()) : "-",
        r.achievedPerSecond(),
        r.ok(),
        r.errors(),
        r.p50Ms(),
        r.p99Ms(),
        r.p999Ms(),
        r.maxMs(),
        r.serviceP99Ms(),
        Double.isNaN(r.serverCpuMsPerRequest())
            ? "-"
            : String.format("%.2f", r.serverCpuMsPerRequest()));
  }

  /** Prints every phase of {@code report} as one table. */
  @SuppressWarnings("unchecked")
  public static String table(Map<String, Object> report) {
    StringBuilder b = new StringBuilder(HEADER).append('\n');
    for (LoadDriver.Result r : (List<LoadDriver.Result>) report.getOrDefault("phases", List.of())) {
      b.append(row(r)).append('\n');
    }
    return b.toString();
  }

  /**
   * Writes {@code serve-bench.json} and {@code serve-bench.png} into {@code dir}; returns their
   * paths.
   */
  @SuppressWarnings("unchecked")
  public static List<Path> write(Map<String, Object> report, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path json = dir.resolve("serve-bench.json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
    Path png = dir.resolve("serve-bench.png");
    XYChart c =
        new XYChartBuilder()
            .width(900)
            .height(560)
            .title("Carousel serve: p99 latency (CO-corrected) vs offered load")
            .xAxisTitle("offered requests/s")
            .yAxisTitle("p99 ms (log)")
            .build();
    c.getStyler().setYAxisLogarithmic(true);
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    List<LoadDriver.Result> phases =
        (List<LoadDriver.Result>) report.getOrDefault("phases", List.of());
    for (String kind : List.of("health", "get", "post", "mix")) {
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      phases.stream()
          .filter(r -> r.kind().equals(kind) && r.loop().equals("open"))
          .sorted((a, b) -> Double.compare(a.offeredPerSecond(), b.offeredPerSecond()))
          .forEach(
              r -> {
                x.add(r.offeredPerSecond());
                y.add(Math.max(0.01, r.p99Ms()));
              });
      if (!x.isEmpty()) {
        c.addSeries(kind, x, y);
      }
    }
    if (!c.getSeriesMap().isEmpty()) {
      BitmapEncoder.saveBitmap(c, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
    return List.of(json, png);
  }
}
