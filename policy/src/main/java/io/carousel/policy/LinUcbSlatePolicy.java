package io.carousel.policy;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * LinUCB slate policy: rank the candidates by the upper confidence bound {@code xᵀθ +
 * α·sqrt(xᵀA⁻¹x)} of the posterior (ties to the lower index) and show the top {@code slateSize} (Li
 * et al. 2010, "A Contextual-Bandit Approach to Personalized News Article Recommendation", §3.1,
 * Algorithm 1, with the shared-feature model; extended to slates by taking the top of one ranking).
 *
 * <p>Propensity: the policy is deterministic given the posterior and the candidates, so every
 * {@code propensities[j]} is exactly 1 (the probability of the slate it chose). Off-policy
 * estimators that evaluate LinUCB from another policy's log need the probability of the
 * <em>logged</em> item, which is 1 if LinUCB would have put it in that slot and 0 otherwise; a log
 * written by LinUCB itself cannot be reweighted to evaluate a different policy (no overlap).
 *
 * <p>Cost per call O(n·k² + n·log slateSize); it draws nothing from {@code rng}. Each call
 * allocates its scratch (θ, the n scores, the top-k heap: about 1 KB for 100 candidates), so an
 * instance holds no mutable state and is thread-safe: one instance serves every user actor of a
 * node (it used to keep the scratch and be one per actor, 24 B and an assembler per shopper).
 */
public final class LinUcbSlatePolicy implements SlatePolicy {

  /** Identifier logged with every slate. */
  public static final String ID = "linucb";

  private final double alpha;

  /** Creates the policy with exploration width {@code alpha} (>= 0, finite); throws otherwise. */
  public LinUcbSlatePolicy(double alpha) {
    if (!(alpha >= 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("alpha must be finite and >= 0, got " + alpha);
    }
    this.alpha = alpha;
  }

  /** Returns the exploration width α (the multiplier of the posterior standard deviation). */
  public double alpha() {
    return alpha;
  }

  /** Returns {@code "linucb"}. */
  @Override
  public String id() {
    return ID;
  }

  /**
   * Returns the top {@code min(slateSize, n)} candidates by UCB with propensities 1; throws
   * IllegalArgumentException as {@link SlatePolicy#choose} documents.
   */
  @Override
  public Slate choose(
      LinearPosterior posterior, float[][] candidateFeatures, int slateSize, RandomGenerator rng) {
    int len = SlateArgs.checkedSlateLength(posterior, candidateFeatures, slateSize);
    double[] s = scoreInto(posterior, candidateFeatures);
    int[] chosen = new int[len];
    TopK.select(s, len, null, chosen);
    double[] propensities = new double[len];
    Arrays.fill(propensities, 1.0);
    return new Slate(chosen, propensities);
  }

  /**
   * Returns the UCB scores {@code double[n]} of {@code candidateFeatures} ({@code
   * float[n][posterior.dim()]}), a new array; throws IllegalArgumentException on a dimension
   * mismatch.
   */
  public double[] ucbScores(LinearPosterior posterior, float[][] candidateFeatures) {
    SlateArgs.checkedSlateLength(posterior, candidateFeatures, 1);
    return scoreInto(posterior, candidateFeatures);
  }

  private double[] scoreInto(LinearPosterior posterior, float[][] candidateFeatures) {
    int k = posterior.dim();
    int n = candidateFeatures.length;
    double[] theta = new double[k];
    double[] scores = new double[n];
    double[] aInv = posterior.aInv();
    double[] b = posterior.b();
    for (int i = 0; i < k; i++) {
      double t = 0;
      int row = i * k;
      for (int j = 0; j < k; j++) {
        t += aInv[row + j] * b[j];
      }
      theta[i] = t;
    }
    for (int c = 0; c < n; c++) {
      float[] x = candidateFeatures[c];
      double mean = 0;
      double q = 0;
      for (int i = 0; i < k; i++) {
        mean += x[i] * theta[i];
        double u = 0;
        int row = i * k;
        for (int j = 0; j < k; j++) {
          u += aInv[row + j] * x[j];
        }
        q += x[i] * u;
      }
      // q = xᵀA⁻¹x >= 0 in exact arithmetic; clamp the rounding error of a near-singular A⁻¹.
      scores[c] = mean + alpha * Math.sqrt(Math.max(q, 0.0));
    }
    return scores;
  }
}
