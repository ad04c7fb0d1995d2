package io.carousel.engine.privacy;

import java.util.Locale;

/**
 * A differential-privacy budget (ε, δ): a mechanism M is (ε, δ)-DP when for any two data sets that
 * differ in one user's data and any set S of outputs, {@code P[M(D) ∈ S] ≤ e^ε P[M(D') ∈ S] + δ}
 * (Dwork &amp; Roth, "The Algorithmic Foundations of Differential Privacy", 2014, Def. 2.4). ε = +∞
 * is "DP off": nothing is clipped or noised and every output is what it was without this mode.
 *
 * @param epsilon ε &gt; 0, or {@code +∞} for off
 * @param delta δ in [0, 1)
 */
public record DpBudget(double epsilon, double delta) {
  /** DP off: ε = ∞. */
  public static final DpBudget OFF = new DpBudget(Double.POSITIVE_INFINITY, 0);

  /** Validates; throws IllegalArgumentException naming the bad value. */
  public DpBudget {
    if (!(epsilon > 0)) {
      throw new IllegalArgumentException("epsilon must be > 0 (or inf), got " + epsilon);
    }
    if (!(delta >= 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in [0, 1), got " + delta);
    }
  }

  /** Returns whether DP is off (ε = ∞). */
  public boolean off() {
    return Double.isInfinite(epsilon);
  }

  /**
   * Parses ε as written on a command line or in a setting: a positive number, or {@code inf},
   * {@code infinity}, {@code ∞} or {@code off} for DP off; throws IllegalArgumentException
   * otherwise.
   */
  public static double parseEpsilon(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("inf") || t.equals("infinity") || t.equals("∞") || t.equals("off")) {
      return Double.POSITIVE_INFINITY;
    }
    double e;
    try {
      e = Double.parseDouble(t);
    } catch (NumberFormatException ex) {
      throw new IllegalArgumentException("epsilon must be a number > 0 or inf, got '" + text + "'");
    }
    if (!(e > 0) || Double.isNaN(e)) {
      throw new IllegalArgumentException("epsilon must be a number > 0 or inf, got '" + text + "'");
    }
    return e;
  }

  /** Returns ε as a label: {@code ∞} when off, else the shortest decimal form. */
  public String label() {
    return off() ? "∞" : label(epsilon);
  }

  static String label(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%.3g", v);
  }

  @Override
  public String toString() {
    return off() ? "DP off (ε = ∞)" : "(ε = " + label() + ", δ = " + delta + ")";
  }
}
