package io.carousel.policy;

import java.util.Arrays;

/**
 * Independent Beta posteriors of the click probability of each arm (item), the state of the
 * non-personalised Bernoulli Thompson sampling baseline (Chapelle &amp; Li 2011, "An Empirical
 * Evaluation of Thompson Sampling", §2, Algorithm 2; Saito et al. 2021, "Open Bandit Dataset and
 * Pipeline", §3, whose logging policy is this one).
 *
 * <p>Arm a has posterior Beta(alpha[a], beta[a]); a (weighted) observation of reward r ∈ [0, 1]
 * with weight w adds w·r to alpha and w·(1 − r) to beta, the fractional-count form of the conjugate
 * update. Immutable by convention: accessors return the internal arrays, callers must not mutate
 * them, and {@link #updated} returns a new instance.
 *
 * @param alpha Beta α per arm, {@code double[nArms]}, each finite and > 0
 * @param beta Beta β per arm, {@code double[nArms]}, each finite and > 0
 */
public record BetaArms(double[] alpha, double[] beta) {

  /** Validates shapes and values; throws IllegalArgumentException on a mismatch or bad entry. */
  public BetaArms {
    if (alpha.length == 0 || alpha.length != beta.length) {
      throw new IllegalArgumentException(
          "alpha and beta need the same non-zero length, got " + alpha.length + ", " + beta.length);
    }
    for (int a = 0; a < alpha.length; a++) {
      if (!(alpha[a] > 0) || !(beta[a] > 0) || Double.isInfinite(alpha[a] + beta[a])) {
        throw new IllegalArgumentException(
            "arm " + a + " needs finite alpha, beta > 0, got " + alpha[a] + ", " + beta[a]);
      }
    }
  }

  /**
   * Returns the shared prior Beta(strength·meanCtr, strength·(1 − meanCtr)) for each of {@code
   * nArms} arms, i.e. prior mean {@code meanCtr} worth {@code strength} pseudo-impressions; throws
   * IllegalArgumentException unless nArms >= 1, 0 < meanCtr < 1 and strength > 0 (finite).
   */
  public static BetaArms prior(int nArms, double meanCtr, double strength) {
    if (nArms < 1) {
      throw new IllegalArgumentException("nArms must be >= 1, got " + nArms);
    }
    if (!(meanCtr > 0 && meanCtr < 1)) {
      throw new IllegalArgumentException("meanCtr must be in (0, 1), got " + meanCtr);
    }
    if (!(strength > 0) || Double.isInfinite(strength)) {
      throw new IllegalArgumentException("strength must be finite and > 0, got " + strength);
    }
    double[] a = new double[nArms];
    double[] b = new double[nArms];
    Arrays.fill(a, strength * meanCtr);
    Arrays.fill(b, strength * (1 - meanCtr));
    return new BetaArms(a, b);
  }

  /** Returns the number of arms. */
  public int size() {
    return alpha.length;
  }

  /** Returns the posterior mean α/(α + β) of {@code arm}. */
  public double mean(int arm) {
    return alpha[arm] / (alpha[arm] + beta[arm]);
  }

  /**
   * Returns the posterior after reward {@code reward} ∈ [0, 1] on {@code arm} with importance
   * weight {@code weight} >= 0 (1 for an on-policy observation); O(nArms) copy; throws
   * IllegalArgumentException on a bad arm, reward or weight.
   */
  public BetaArms updated(int arm, double reward, double weight) {
    if (arm < 0 || arm >= alpha.length) {
      throw new IllegalArgumentException("arm " + arm + " outside [0, " + alpha.length + ")");
    }
    if (!(reward >= 0 && reward <= 1)) {
      throw new IllegalArgumentException("reward must be in [0, 1], got " + reward);
    }
    if (!(weight >= 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("weight must be finite and >= 0, got " + weight);
    }
    double[] a = alpha.clone();
    double[] b = beta.clone();
    a[arm] += weight * reward;
    b[arm] += weight * (1 - reward);
    return new BetaArms(a, b);
  }

  /** Returns true if {@code o} is a BetaArms with equal array contents. */
  @Override
  public boolean equals(Object o) {
    return o instanceof BetaArms p && Arrays.equals(alpha, p.alpha) && Arrays.equals(beta, p.beta);
  }

  /** Returns a hash over the array contents, consistent with equals. */
  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(alpha) + Arrays.hashCode(beta);
  }

  /** Returns a debug string with the array contents. */
  @Override
  public String toString() {
    return "BetaArms[alpha=" + Arrays.toString(alpha) + ", beta=" + Arrays.toString(beta) + "]";
  }
}
