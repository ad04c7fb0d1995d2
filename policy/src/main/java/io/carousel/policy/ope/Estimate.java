package io.carousel.policy.ope;

/**
 * A policy-value estimate with its bootstrap confidence interval, in reward units per (round,
 * position), e.g. clicks per impression (CTR).
 *
 * @param value point estimate on the full sample
 * @param lo lower bound of the interval (the 2.5 % bootstrap percentile for a 95 % interval)
 * @param hi upper bound of the interval (the 97.5 % bootstrap percentile for a 95 % interval)
 */
public record Estimate(double value, double lo, double hi) {

  /** Returns true if {@code x} lies in [lo, hi]. */
  public boolean covers(double x) {
    return lo <= x && x <= hi;
  }
}
