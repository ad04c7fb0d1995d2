package io.carousel.policy;

/**
 * Online recency-decayed item popularity, the {@link ContextFeatures.Layout#TREND} feature: every
 * observed interaction adds weight 1 to its item, and all weights halve every {@code halfLife}
 * interactions (the clock counts interactions of all users, not wall time).
 *
 * <p>Instead of decaying every count at every step, each interaction adds the growing weight
 * 2^(t/halfLife) and reads divide by the current one (forward decay: Cormode, Shkapenyuk,
 * Srivastava &amp; Xu 2009, "Forward Decay: A Practical Time Decay Model for Streaming Systems",
 * §3), so an observation is O(1); the weights are rescaled before they can overflow. The feature
 * value is {@code log1p(c_i)/log1p(max_j c_j)} in [0, 1], the same log scaling as the training
 * popularity. Mutable, not thread-safe: one instance per replay or per node-local model view.
 */
public final class TrendPopularity {

  // Rescale once the forward weight passes this, far below overflow of the sums.
  private static final double RESCALE_AT = 1e150;

  private final double halfLife;
  private final double[] raw;
  private double rawMax;
  private long clock;
  private long landmark;

  /**
   * Creates zero counts for {@code items} items with a half-life of {@code halfLife} interactions;
   * throws IllegalArgumentException if items < 1 or halfLife is not finite and > 0.
   */
  public TrendPopularity(int items, double halfLife) {
    if (items < 1) {
      throw new IllegalArgumentException("items must be >= 1, got " + items);
    }
    if (!(halfLife > 0) || Double.isInfinite(halfLife)) {
      throw new IllegalArgumentException("halfLife must be finite and > 0, got " + halfLife);
    }
    this.halfLife = halfLife;
    this.raw = new double[items];
  }

  /** Returns the half-life in interactions. */
  public double halfLife() {
    return halfLife;
  }

  /** Returns the number of interactions observed so far. */
  public long interactions() {
    return clock;
  }

  /**
   * Records one interaction with {@code item} (a catalogue index); throws IndexOutOfBoundsException
   * for an index outside the catalogue.
   */
  public void observe(int item) {
    if (item < 0 || item >= raw.length) {
      throw new IndexOutOfBoundsException("item " + item + " outside [0, " + raw.length + ")");
    }
    clock++;
    double w = weightNow();
    if (w > RESCALE_AT) {
      rescale(w);
      w = weightNow();
    }
    raw[item] += w;
    rawMax = Math.max(rawMax, raw[item]);
  }

  /**
   * Records a batch of counts as of one moment (a DP window release): advances the clock by {@code
   * interactions}, then adds {@code counts[i]} (each finite and &gt;= 0, possibly fractional) to
   * item i with the weight of the new clock. Throws IllegalArgumentException on a length mismatch,
   * a negative or non-finite count, or interactions &lt; 0.
   */
  public void observeCounts(double[] counts, long interactions) {
    if (counts.length != raw.length || interactions < 0) {
      throw new IllegalArgumentException(
          "need " + raw.length + " counts and interactions >= 0, got " + counts.length);
    }
    for (double c : counts) {
      if (!(c >= 0) || Double.isInfinite(c)) {
        throw new IllegalArgumentException("counts must be finite and >= 0, got " + c);
      }
    }
    clock += interactions;
    double w = weightNow();
    if (w > RESCALE_AT) {
      rescale(w);
      w = weightNow();
    }
    for (int i = 0; i < raw.length; i++) {
      if (counts[i] > 0) {
        raw[i] += counts[i] * w;
        rawMax = Math.max(rawMax, raw[i]);
      }
    }
  }

  /**
   * Returns the decayed count of {@code item}: Σ over its interactions of 2^(−age/halfLife), with
   * age in interactions (the newest has age 0, weight 1).
   */
  public double count(int item) {
    return raw[item] / weightNow();
  }

  /** Returns {@code log1p(count(item)) / log1p(max count)} in [0, 1] (0 before any interaction). */
  public float value(int item) {
    double now = weightNow();
    double max = rawMax / now;
    return max <= 0 ? 0f : (float) (Math.log1p(raw[item] / now) / Math.log1p(max));
  }

  /** Returns the values of every item as a new {@code float[items]}, see {@link #value}. */
  public float[] values() {
    float[] v = new float[raw.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = value(i);
    }
    return v;
  }

  /**
   * The exact state of a trend, to save and restore across restarts: {@code raw[i]} are the forward
   * weights relative to {@code landmark} (see the class comment), {@code clock} the interactions
   * counted so far.
   */
  public record Saved(double halfLife, long clock, long landmark, double[] raw) {}

  /** Returns a copy of the exact state. */
  public Saved save() {
    return new Saved(halfLife, clock, landmark, raw.clone());
  }

  /**
   * Returns a trend in the state {@code saved}, over {@code saved.raw().length} items; throws
   * IllegalArgumentException on an invalid half-life or no items.
   */
  public static TrendPopularity restore(Saved saved) {
    TrendPopularity t = new TrendPopularity(saved.raw().length, saved.halfLife());
    t.clock = saved.clock();
    t.landmark = saved.landmark();
    for (int i = 0; i < t.raw.length; i++) {
      t.raw[i] = saved.raw()[i];
      t.rawMax = Math.max(t.rawMax, t.raw[i]);
    }
    return t;
  }

  // The weight an interaction at the current clock adds, relative to the landmark.
  private double weightNow() {
    return Math.pow(2.0, (clock - landmark) / halfLife);
  }

  private void rescale(double w) {
    for (int i = 0; i < raw.length; i++) {
      raw[i] /= w;
    }
    rawMax /= w;
    landmark = clock;
  }
}
