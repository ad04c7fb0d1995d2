package io.carousel.engine.privacy;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The DP release of live item counts (the trend popularities), one release per wall-clock window:
 * within a window each user counts for at most {@code perUser} distinct items, each once; when the
 * window ends, every catalogue item's count gets Laplace noise of scale b = perUser/ε (L1
 * sensitivity perUser) and the noisy counts, clamped at 0, are released (ε-DP per window, δ = 0).
 * Window boundaries are wall time, public, and do not depend on the data. Only the released counts
 * leave this class; the raw window counts and the per-user sets are dropped at each release.
 *
 * <p>Over many windows the budgets compose: a user active in k windows is protected at kε (basic
 * composition, {@link PrivacyAccountant#basic}); {@link #windows()} counts the releases, which are
 * too many to keep one ledger entry each. Thread-safe.
 */
public final class WindowedCounts {
  private final int items;
  private final int perUser;
  private final double epsilon;
  private final long windowNanos;
  private final Noise noise;
  private final LongSupplier nanoClock;
  private final double[] counts;
  private final Map<String, int[]> users = new HashMap<>();
  private long windowStart;
  private long windows;

  /**
   * Creates an empty first window starting now.
   *
   * @param items catalogue size (the released domain)
   * @param perUser distinct items a user counts for per window
   * @param epsilon ε per window, finite and &gt; 0
   * @param windowNanos window length, &gt; 0
   * @param nanoClock time source (System::nanoTime in production)
   */
  public WindowedCounts(
      int items,
      int perUser,
      double epsilon,
      long windowNanos,
      Noise noise,
      LongSupplier nanoClock) {
    if (items < 1 || perUser < 1 || windowNanos <= 0) {
      throw new IllegalArgumentException("need items, perUser >= 1 and a window > 0");
    }
    Noise.laplaceScale(perUser, epsilon); // validates ε
    this.items = items;
    this.perUser = perUser;
    this.epsilon = epsilon;
    this.windowNanos = windowNanos;
    this.noise = noise;
    this.nanoClock = nanoClock;
    this.counts = new double[items];
    this.windowStart = nanoClock.getAsLong();
  }

  /**
   * Counts {@code user}'s interaction with {@code item} in the current window (ignored past the
   * user's {@code perUser} distinct items in it, or for a repeated item). If the previous window
   * has ended, it is released first and returned; otherwise returns null.
   */
  public synchronized double[] observe(String user, int item) {
    double[] released = releaseIfDue();
    if (item < 0 || item >= items) {
      return released;
    }
    int[] mine = users.computeIfAbsent(user, u -> new int[] {0});
    int n = mine[0];
    for (int q = 1; q <= n; q++) {
      if (mine[q] == item) {
        return released;
      }
    }
    if (n >= perUser) {
      return released;
    }
    if (mine.length < n + 2) {
      mine = java.util.Arrays.copyOf(mine, Math.min(perUser + 1, n + 4));
      users.put(user, mine);
    }
    mine[n + 1] = item;
    mine[0] = n + 1;
    counts[item]++;
    return released;
  }

  /** Releases the current window if it has ended and returns its noisy counts, else null. */
  public synchronized double[] releaseIfDue() {
    long now = nanoClock.getAsLong();
    if (now - windowStart < windowNanos) {
      return null;
    }
    double b = Noise.laplaceScale(perUser, epsilon);
    double[] out = new double[items];
    for (int i = 0; i < items; i++) {
      out[i] = Math.max(0, counts[i] + noise.laplace(b));
      counts[i] = 0;
    }
    users.clear();
    // Idle time is one window: the next starts now, so an idle node releases nothing.
    windowStart = now;
    windows++;
    return out;
  }

  /** Returns the Laplace scale b = perUser/ε of every release. */
  public double scale() {
    return Noise.laplaceScale(perUser, epsilon);
  }

  /** Returns the windows released so far. */
  public synchronized long windows() {
    return windows;
  }
}
