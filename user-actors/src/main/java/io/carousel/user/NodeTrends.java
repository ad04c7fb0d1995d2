package io.carousel.user;

import io.carousel.engine.privacy.DpSettings;
import io.carousel.engine.privacy.WindowedCounts;
import io.carousel.policy.TrendPopularity;

/**
 * The node-wide online trend popularities behind the {@code TWO_TRENDS} context features: one
 * {@link TrendPopularity} per configured half-life (in interactions), fed by every interaction any
 * {@link UserProfile} on this node records and read by every slate the node assembles.
 *
 * <p>Thread-safe: user actors run on many threads, so every observation and every read of a slate's
 * candidates takes one lock; the work inside is O(half-lives) per observation and O(half-lives ·
 * candidates) per read, far below a journal write. Saved with the node state ({@link NodeState})
 * and restored when the node starts; in a cluster each node counts the interactions of the users it
 * hosts, which sharding spreads evenly, so every node sees a sample of the same trend.
 *
 * <p>With DP on ({@code carousel.privacy.dp}), interactions are not counted one by one: they are
 * gathered per wall-clock window with each user's contribution clipped, and only the window's
 * Laplace-noised counts enter the trends ({@link WindowedCounts}; docs/security.md, "Differential
 * privacy (item 6)"), so slates lag the trend by up to one window.
 */
public final class NodeTrends {
  private final int size;
  private final TrendPopularity[] trends;
  private final double[] halfLives;
  private final WindowedCounts windows;

  /**
   * Creates zero counts for {@code items} catalogue items, one trend per entry of {@code halfLives}
   * (interactions of all users, shortest first; empty = no trend features); throws
   * IllegalArgumentException if items < 1 or a half-life is not finite and > 0.
   */
  public NodeTrends(int items, double... halfLives) {
    this(items, DpSettings.OFF, halfLives);
  }

  /**
   * As {@link #NodeTrends(int, double...)}, with the DP window release of {@code dp} when it is on
   * (noise from {@code dp.noise("trends")}).
   */
  public NodeTrends(int items, DpSettings dp, double... halfLives) {
    this(items, dp, System::nanoTime, halfLives);
  }

  /** As above with the window clock {@code nanoClock} (tests). */
  NodeTrends(
      int items, DpSettings dp, java.util.function.LongSupplier nanoClock, double... halfLives) {
    this.windows =
        dp.enabled() && halfLives.length > 0
            ? new WindowedCounts(
                Math.max(1, items),
                dp.trendItemsPerWindow(),
                dp.budget().epsilon(),
                dp.trendWindow().toNanos(),
                dp.noise("trends"),
                nanoClock)
            : null;
    this.size = Math.max(1, items);
    this.halfLives = halfLives.clone();
    this.trends = new TrendPopularity[halfLives.length];
    for (int i = 0; i < trends.length; i++) {
      trends[i] = new TrendPopularity(Math.max(1, items), halfLives[i]);
    }
  }

  /** Returns the DP window release, or null with DP off. */
  public WindowedCounts privateWindows() {
    return windows;
  }

  /**
   * Records one interaction of {@code user} with catalogue index {@code item}: with DP off as
   * {@link #observe(int)}; with DP on into the current window (released into the trends when it
   * ends).
   */
  public void observe(String user, int item) {
    if (windows == null) {
      observe(item);
      return;
    }
    double[] released = windows.observe(user, item);
    if (released != null) {
      apply(released);
    }
  }

  private void apply(double[] released) {
    double total = 0;
    for (double c : released) {
      total += c;
    }
    synchronized (trends) {
      for (TrendPopularity t : trends) {
        // The clock advances by the noisy number of interactions released (post-processing).
        t.observeCounts(released, Math.round(total));
      }
    }
  }

  /** Returns how many trend features this node builds (0, 1 or 2). */
  public int count() {
    return trends.length;
  }

  /** Returns the half-lives in interactions, shortest first (a copy). */
  public double[] halfLives() {
    return halfLives.clone();
  }

  /** Records one interaction with catalogue index {@code item}; ignores an index < 0 (unknown). */
  public void observe(int item) {
    if (item < 0 || trends.length == 0) {
      return;
    }
    synchronized (trends) {
      for (TrendPopularity t : trends) {
        t.observe(item);
      }
    }
  }

  /**
   * Returns {@code float[items.length][count()]}: the value in [0, 1] of each trend for each
   * catalogue index in {@code items}, all read under one lock (a consistent view).
   */
  public float[][] values(int[] items) {
    float[][] out = new float[items.length][trends.length];
    if (trends.length == 0) {
      return out;
    }
    synchronized (trends) {
      for (int c = 0; c < items.length; c++) {
        for (int t = 0; t < trends.length; t++) {
          // A live item (index past the trained ones) has no trend count yet.
          out[c][t] = items[c] < size ? trends[t].value(items[c]) : 0f;
        }
      }
    }
    return out;
  }

  /**
   * Returns the exact state of every trend with its item ids ({@code ids[i]} of index i), for
   * {@link NodeState}.
   */
  public java.util.List<NodeState.Trend> save(java.util.function.IntFunction<String> ids) {
    java.util.List<NodeState.Trend> out = new java.util.ArrayList<>();
    synchronized (trends) {
      for (TrendPopularity t : trends) {
        TrendPopularity.Saved s = t.save();
        java.util.Map<String, Double> raw = new java.util.LinkedHashMap<>();
        for (int i = 0; i < s.raw().length && i < size; i++) {
          if (s.raw()[i] != 0) {
            raw.put(ids.apply(i), s.raw()[i]);
          }
        }
        out.add(new NodeState.Trend(s.halfLife(), s.clock(), s.landmark(), raw));
      }
    }
    return out;
  }

  /**
   * Restores the trends of {@code saved} whose half-life this node has, mapping item ids to indices
   * with {@code indexOf} (an id this model lacks is dropped); returns how many were restored.
   */
  public int restore(
      java.util.List<NodeState.Trend> saved, java.util.function.ToIntFunction<String> indexOf) {
    int restored = 0;
    synchronized (trends) {
      for (int t = 0; t < trends.length; t++) {
        for (NodeState.Trend s : saved) {
          if (Double.compare(s.halfLife(), halfLives[t]) != 0) {
            continue;
          }
          double[] raw = new double[size];
          s.raw()
              .forEach(
                  (id, r) -> {
                    int idx = indexOf.applyAsInt(id);
                    if (idx >= 0 && idx < size) {
                      raw[idx] = r;
                    }
                  });
          trends[t] =
              TrendPopularity.restore(
                  new TrendPopularity.Saved(s.halfLife(), s.clock(), s.landmark(), raw));
          restored++;
          break;
        }
      }
    }
    return restored;
  }

  /** Returns the number of interactions observed since the node started. */
  public long interactions() {
    if (trends.length == 0) {
      return 0;
    }
    synchronized (trends) {
      return trends[0].interactions();
    }
  }
}
