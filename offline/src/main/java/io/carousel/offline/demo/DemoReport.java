package io.carousel.offline.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Writes the demo's {@code summary.json} and charts ({@code hit-rate.png}: cumulative online HR@k
 * of Carousel and popularity over the replay; {@code latency.png}: recommendation latency and
 * freshness percentiles) and formats the human summary.
 */
final class DemoReport {
  private DemoReport() {}

  /** Builds the summary map (stable key order). */
  static Map<String, Object> summary(
      String dataset, int k, ReplayResult r, Map<String, Object> context) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("dataset", dataset);
    s.put("events_replayed", r.eventsReplayed());
    s.put("events_acknowledged", r.eventsAcknowledged());
    Map<String, Object> hr = new LinkedHashMap<>();
    hr.put("carousel", ratio(r.carouselHits(), r.eventsReplayed()));
    hr.put("popularity", ratio(r.popularityHits(), r.eventsReplayed()));
    s.put("hr_at_" + k, hr);
    s.put("reco_latency_ms", percentiles(r.recoLatencyUs()));
    s.put("freshness_ms", percentiles(r.freshnessUs()));
    s.put("events_per_second", round(r.eventsPerSecond(), 1));
    s.put("replay_seconds", round(r.seconds(), 2));
    s.put("slates_requested", r.slatesRequested());
    s.put("slates_with_duplicate_items", r.duplicateItemSlates());
    s.put("events_without_websocket_push", r.missedPushes());
    s.putAll(context);
    return s;
  }

  /** Writes summary.json and the PNG charts into {@code dir}; returns the files written. */
  static List<Path> write(Path dir, Map<String, Object> summary, ReplayResult r, int k) {
    try {
      Files.createDirectories(dir);
      Path json = dir.resolve("summary.json");
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(json.toFile(), summary);
      Path hit = dir.resolve("hit-rate.png");
      BitmapEncoder.saveBitmap(hitRateChart(r, k), hit.toString(), BitmapEncoder.BitmapFormat.PNG);
      Path lat = dir.resolve("latency.png");
      BitmapEncoder.saveBitmap(latencyChart(r), lat.toString(), BitmapEncoder.BitmapFormat.PNG);
      return List.of(json, hit, lat);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report to " + dir, e);
    }
  }

  private static XYChart hitRateChart(ReplayResult r, int k) {
    byte[] t = r.hitTimeline();
    int points = Math.min(200, Math.max(1, t.length));
    List<Double> x = new ArrayList<>();
    List<Double> carousel = new ArrayList<>();
    List<Double> popularity = new ArrayList<>();
    long c = 0;
    long p = 0;
    int next = 1;
    for (int i = 0; i < t.length; i++) {
      c += t[i] & 1;
      p += (t[i] >> 1) & 1;
      if (i + 1 >= (long) next * t.length / points) {
        x.add((double) (i + 1));
        carousel.add((double) c / (i + 1));
        popularity.add((double) p / (i + 1));
        next++;
      }
    }
    XYChart chart =
        new XYChartBuilder()
            .width(800)
            .height(500)
            .title("Online HR@" + k + " during replay (cumulative)")
            .xAxisTitle("replayed events")
            .yAxisTitle("HR@" + k)
            .build();
    if (!x.isEmpty()) {
      chart.addSeries("carousel", x, carousel).setMarker(SeriesMarkers.NONE);
      chart.addSeries("popularity", x, popularity).setMarker(SeriesMarkers.NONE);
    }
    return chart;
  }

  private static XYChart latencyChart(ReplayResult r) {
    double[] qs = {50, 75, 90, 95, 99, 99.9};
    List<Double> x = new ArrayList<>();
    List<Double> reco = new ArrayList<>();
    List<Double> fresh = new ArrayList<>();
    for (double q : qs) {
      x.add(q);
      reco.add(r.recoLatencyUs().getValueAtPercentile(q) / 1000.0);
      fresh.add(r.freshnessUs().getValueAtPercentile(q) / 1000.0);
    }
    XYChart chart =
        new XYChartBuilder()
            .width(800)
            .height(500)
            .title("Latency percentiles (client side)")
            .xAxisTitle("percentile")
            .yAxisTitle("ms")
            .build();
    chart.addSeries("recommendation GET", x, reco);
    chart.addSeries("freshness: event POST -> WebSocket slate", x, fresh);
    return chart;
  }

  /** Formats the human summary printed at the end of the demo. */
  static String human(Map<String, Object> s, int k) {
    @SuppressWarnings("unchecked")
    Map<String, Object> hr = (Map<String, Object>) s.get("hr_at_" + k);
    @SuppressWarnings("unchecked")
    Map<String, Object> lat = (Map<String, Object>) s.get("reco_latency_ms");
    @SuppressWarnings("unchecked")
    Map<String, Object> fr = (Map<String, Object>) s.get("freshness_ms");
    return String.format(
        "%n=== Carousel demo: %s ===%n"
            + "events replayed      %s (acknowledged %s)%n"
            + "online HR@%d         carousel %s   popularity %s%n"
            + "recommendation       p50 %s ms   p99 %s ms (client side)%n"
            + "freshness            p50 %s ms   p99 %s ms (event POST -> WebSocket slate)%n"
            + "throughput           %s events/s (GET + POST + push per event, %s workers)%n",
        s.get("dataset"),
        s.get("events_replayed"),
        s.get("events_acknowledged"),
        k,
        hr.get("carousel"),
        hr.get("popularity"),
        lat.get("p50"),
        lat.get("p99"),
        fr.get("p50"),
        fr.get("p99"),
        s.get("events_per_second"),
        s.get("replay_workers"));
  }

  private static Map<String, Object> percentiles(Histogram h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("p50", round(h.getValueAtPercentile(50) / 1000.0, 2));
    m.put("p99", round(h.getValueAtPercentile(99) / 1000.0, 2));
    m.put("max", round(h.getMaxValue() / 1000.0, 2));
    m.put("count", h.getTotalCount());
    return m;
  }

  private static double ratio(long a, long b) {
    return b == 0 ? 0 : round((double) a / b, 4);
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
