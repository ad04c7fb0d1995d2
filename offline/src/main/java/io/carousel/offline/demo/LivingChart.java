package io.carousel.offline.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The living demo's chart: rolling HR@k of both arms and popularity, retrains and promotions. */
final class LivingChart {
  private LivingChart() {}

  static void write(
      Path png,
      boolean[] living,
      boolean[] frozen,
      boolean[] popular,
      List<LivingRun.Retrain> retrains,
      int window,
      int k)
      throws IOException {
    int w = Math.max(1, Math.min(window, living.length));
    int step = Math.max(1, w / 10);
    XYChart chart =
        new XYChartBuilder()
            .width(1000)
            .height(550)
            .title("Online HR@" + k + ", rolling over " + w + " events: living vs frozen model")
            .xAxisTitle("replayed event")
            .yAxisTitle("HR@" + k)
            .build();
    chart.getStyler().setMarkerSize(0);
    double[][] l = LivingStats.rolling(living, w, step);
    double[][] f = LivingStats.rolling(frozen, w, step);
    double[][] p = LivingStats.rolling(popular, w, step);
    double top = 0.05;
    for (double[][] s : List.of(l, f, p)) {
      for (double y : s[1]) {
        top = Math.max(top, y);
      }
    }
    top = Math.ceil(top * 1.15 * 20) / 20;
    if (l[0].length > 0) {
      chart.addSeries("living (retrains)", l[0], l[1]).setMarker(SeriesMarkers.NONE);
      chart.addSeries("frozen", f[0], f[1]).setMarker(SeriesMarkers.NONE);
      chart.addSeries("popularity", p[0], p[1]).setMarker(SeriesMarkers.NONE);
    }
    boolean retrainLegend = false;
    boolean promotedLegend = false;
    int i = 0;
    for (LivingRun.Retrain r : retrains) {
      boolean promoted = "promoted".equals(r.decision());
      boolean served = promoted && r.version() != null && r.version().equals(r.servedAfter());
      String name;
      if (served) {
        name = "promoted and served";
      } else if (promoted) {
        name = "promoted, not served";
      } else {
        name = "retrain " + r.decision();
      }
      XYSeries mark =
          chart.addSeries(
              name + " #" + (++i),
              new double[] {r.afterEvent(), r.afterEvent()},
              new double[] {0, top});
      mark.setMarker(SeriesMarkers.NONE);
      mark.setLineColor(served ? new Color(0, 140, 0) : promoted ? Color.ORANGE : Color.GRAY);
      mark.setLineStyle(
          new BasicStroke(
              1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
      boolean first = served || promoted ? !promotedLegend : !retrainLegend;
      mark.setShowInLegend(first);
      promotedLegend |= served || promoted;
      retrainLegend |= !(served || promoted);
    }
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(top);
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
