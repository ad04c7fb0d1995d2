package io.carousel.offline.demo;

import io.carousel.offline.data.Interaction;
import io.carousel.offline.stats.PairedBootstrap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The living demo's numbers from per-event hits: online HR@k with a 95 % interval, the paired
 * difference of two arms, and the rolling HR@k drawn over time.
 *
 * <p>Intervals are cluster bootstraps over users ({@link PairedBootstrap#ratioOfSums95}): one
 * user's events are not independent (a shopper the model reads well hits often), so whole users are
 * resampled. For a difference the per-user value is {@code hits_a − hits_b} over the same events,
 * so {@code Σ(hits_a − hits_b) / Σ events = HR_a − HR_b} and the pairing removes the users' own
 * difficulty.
 */
public final class LivingStats {
  /** Bootstrap resamples (as the validation gate). */
  static final int RESAMPLES = 1000;

  private LivingStats() {}

  /**
   * A rate with its 95 % interval.
   *
   * @param value hits / events
   * @param lo lower end
   * @param hi upper end
   * @param events events counted
   * @param users distinct users among them
   */
  public record Rate(double value, double lo, double hi, long events, int users) {
    Map<String, Object> json() {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("value", DemoReport.round(value, 4));
      m.put("interval95", List.of(DemoReport.round(lo, 4), DemoReport.round(hi, 4)));
      m.put("events", events);
      m.put("users", users);
      return m;
    }
  }

  /**
   * Returns HR of {@code hits} (one per event, aligned with {@code events}) over the events where
   * {@code include} is true (null: all), with its interval; NaN bounds when no event is included.
   */
  public static Rate rate(List<Interaction> events, boolean[] hits, boolean[] include, long seed) {
    return difference(events, hits, null, include, seed);
  }

  /**
   * Returns {@code HR(a) − HR(b)} over the same events (b null: HR(a) alone) with its paired
   * interval.
   */
  public static Rate difference(
      List<Interaction> events, boolean[] a, boolean[] b, boolean[] include, long seed) {
    if (a.length != events.size() || (b != null && b.length != events.size())) {
      throw new IllegalArgumentException("one hit per event needed");
    }
    Map<String, Integer> userIndex = new HashMap<>();
    int[] num = new int[events.size()];
    int[] den = new int[events.size()];
    long n = 0;
    long sum = 0;
    for (int i = 0; i < events.size(); i++) {
      if (include != null && !include[i]) {
        continue;
      }
      int u = userIndex.computeIfAbsent(events.get(i).userId(), x -> userIndex.size());
      int d = (a[i] ? 1 : 0) - (b != null && b[i] ? 1 : 0);
      num[u] += d;
      den[u]++;
      sum += d;
      n++;
    }
    int users = userIndex.size();
    if (users == 0) {
      return new Rate(Double.NaN, Double.NaN, Double.NaN, 0, 0);
    }
    double[] ci =
        PairedBootstrap.ratioOfSums95(
            java.util.Arrays.copyOf(num, users),
            java.util.Arrays.copyOf(den, users),
            RESAMPLES,
            seed);
    return new Rate((double) sum / n, ci[0], ci[1], n, users);
  }

  /**
   * Returns the rolling hit rate over {@code window} consecutive events, one point every {@code
   * step} events once a full window is in (the first point ends at event {@code window}); empty
   * when there are fewer than {@code window} events.
   *
   * @return {@code {x, y}}: x = 1-based index of the window's last event, y = its hit rate
   */
  public static double[][] rolling(boolean[] hits, int window, int step) {
    if (window < 1 || step < 1) {
      throw new IllegalArgumentException("window and step must be >= 1");
    }
    if (hits.length < window) {
      return new double[][] {new double[0], new double[0]};
    }
    int points = (hits.length - window) / step + 1;
    double[] x = new double[points];
    double[] y = new double[points];
    int inWindow = 0;
    for (int i = 0; i < window; i++) {
      inWindow += hits[i] ? 1 : 0;
    }
    int p = 0;
    for (int end = window - 1; end < hits.length; end++) {
      if (end >= window) {
        inWindow += (hits[end] ? 1 : 0) - (hits[end - window] ? 1 : 0);
      }
      if ((end - (window - 1)) % step == 0) {
        x[p] = end + 1;
        y[p] = (double) inWindow / window;
        p++;
      }
    }
    return new double[][] {x, y};
  }

  /** Returns bit {@code bit} of each timeline byte (bit 0 Carousel, bit 1 popularity). */
  static boolean[] bits(byte[] timeline, int bit) {
    boolean[] out = new boolean[timeline.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((timeline[i] >> bit) & 1) == 1;
    }
    return out;
  }
}
