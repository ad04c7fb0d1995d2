package io.carousel.http.model;

import java.time.Duration;

/**
 * Champion/challenger, the deciding half (ADR 0014): compares the share of logged slates with at
 * least one click of the two arms and decides.
 *
 * <p>The interval is Newcombe's hybrid score interval for a difference of two independent
 * proportions (Newcombe 1998, method 10: each arm's Wilson score interval, combined): the unit is
 * the slate, and slates of one user are treated as independent (they are not quite: a user's slates
 * are correlated, so the interval is somewhat too narrow when few users make many slates). Wilson,
 * not the plain normal (Wald) interval, because a CTR near 0 or 1 on a few hundred slates makes
 * Wald's interval collapse to a point.
 *
 * <p>Rule, once each arm has {@code minSlates} slates: drop when the interval's upper end is below
 * 0 (the challenger is worse, certainly); promote when the point estimate is ≥ 0 and the lower end
 * is above {@code -tolerance} (not worse beyond the tolerance: a non-inferiority test, as the
 * offline gate's tolerance); otherwise keep waiting. After {@code maxDuration} without a decision
 * the challenger is dropped (the champion stays unless the challenger earned its place).
 *
 * @param minSlates slates each arm needs before any decision (≥ 1)
 * @param tolerance largest CTR loss still promoted (≥ 0, absolute: 0.005 = half a point)
 * @param maxDuration longest run; then dropped
 */
public record ChallengerRule(long minSlates, double tolerance, Duration maxDuration) {
  private static final double Z = 1.959963984540054;

  /** What the rule says. */
  public enum Verdict {
    WAIT,
    PROMOTE,
    DROP
  }

  /** One arm's counts: logged slates and slates with at least one click. */
  public record Arm(String version, long slates, long clickedSlates, long conversions) {
    /** Returns clicked slates / slates (0 when none). */
    public double ctr() {
      return slates == 0 ? 0 : (double) clickedSlates / slates;
    }
  }

  /**
   * A decision: the verdict, the CTR difference (challenger − champion) and its 95 % interval (NaN
   * while an arm has no slate), and why.
   */
  public record Outcome(
      Verdict verdict, double difference, double low, double high, String reason) {}

  public ChallengerRule {
    if (minSlates < 1) {
      throw new IllegalArgumentException(
          "carousel.training.challenger-min-slates must be >= 1, got " + minSlates);
    }
    if (!(tolerance >= 0 && tolerance < 1)) {
      throw new IllegalArgumentException(
          "carousel.training.challenger-tolerance must be in [0, 1), got " + tolerance);
    }
    if (maxDuration.isNegative() || maxDuration.isZero()) {
      throw new IllegalArgumentException(
          "carousel.training.challenger-max-duration must be positive, got " + maxDuration);
    }
  }

  /**
   * Reads {@code carousel.training.challenger-{min-slates,tolerance,max-duration}}.
   *
   * @throws IllegalArgumentException naming the setting, its value and what it must be
   */
  public static ChallengerRule fromConfig(com.typesafe.config.Config config) {
    String key = "carousel.training.challenger-max-duration";
    Duration max;
    try {
      max = config.getDuration(key);
    } catch (com.typesafe.config.ConfigException e) {
      throw new IllegalArgumentException(
          key + " must be a duration such as 7d, got '" + config.getValue(key).unwrapped() + "'");
    }
    long min;
    try {
      min = config.getLong("carousel.training.challenger-min-slates");
    } catch (com.typesafe.config.ConfigException e) {
      throw new IllegalArgumentException(
          "carousel.training.challenger-min-slates must be a whole number >= 1, got '"
              + config.getValue("carousel.training.challenger-min-slates").unwrapped()
              + "'");
    }
    double tolerance;
    try {
      tolerance = config.getDouble("carousel.training.challenger-tolerance");
    } catch (com.typesafe.config.ConfigException e) {
      throw new IllegalArgumentException(
          "carousel.training.challenger-tolerance must be a number in [0, 1), got '"
              + config.getValue("carousel.training.challenger-tolerance").unwrapped()
              + "'");
    }
    return new ChallengerRule(min, tolerance, max);
  }

  /**
   * Decides on the counts of both arms after {@code elapsed} of the run.
   *
   * @param challenger the challenger's counts since the run started
   * @param champion the champion's counts over the same time
   */
  public Outcome decide(Arm challenger, Arm champion, Duration elapsed) {
    double[] ci =
        difference95(
            challenger.clickedSlates(),
            challenger.slates(),
            champion.clickedSlates(),
            champion.slates());
    double d =
        challenger.slates() == 0 || champion.slates() == 0
            ? Double.NaN
            : challenger.ctr() - champion.ctr();
    boolean enough = challenger.slates() >= minSlates && champion.slates() >= minSlates;
    if (enough && ci[1] < 0) {
      return new Outcome(
          Verdict.DROP, d, ci[0], ci[1], "the challenger's CTR is lower: the interval is below 0");
    }
    if (enough && d >= 0 && ci[0] > -tolerance) {
      return new Outcome(
          Verdict.PROMOTE,
          d,
          ci[0],
          ci[1],
          "the challenger's CTR is not lower beyond the tolerance " + tolerance);
    }
    if (elapsed.compareTo(maxDuration) >= 0) {
      return new Outcome(
          Verdict.DROP,
          d,
          ci[0],
          ci[1],
          "no decision within carousel.training.challenger-max-duration " + maxDuration);
    }
    return new Outcome(
        Verdict.WAIT,
        d,
        ci[0],
        ci[1],
        enough
            ? "the interval is too wide to decide"
            : "waiting for " + minSlates + " slates per arm");
  }

  /**
   * Returns Newcombe's hybrid score 95 % interval for {@code x1/n1 − x2/n2}, {@code {low, high}};
   * NaNs when an arm has no trial.
   */
  static double[] difference95(long x1, long n1, long x2, long n2) {
    if (n1 == 0 || n2 == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double p1 = (double) x1 / n1;
    double p2 = (double) x2 / n2;
    double[] w1 = wilson95(x1, n1);
    double[] w2 = wilson95(x2, n2);
    double d = p1 - p2;
    double low = d - Math.sqrt(sq(p1 - w1[0]) + sq(w2[1] - p2));
    double high = d + Math.sqrt(sq(w1[1] - p1) + sq(p2 - w2[0]));
    return new double[] {low, high};
  }

  /** Returns the Wilson score 95 % interval of {@code x/n}, {@code {low, high}}. */
  static double[] wilson95(long x, long n) {
    double p = (double) x / n;
    double z2 = Z * Z;
    double denom = 1 + z2 / n;
    double centre = (p + z2 / (2.0 * n)) / denom;
    double half = Z / denom * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
  }

  private static double sq(double v) {
    return v * v;
  }
}
