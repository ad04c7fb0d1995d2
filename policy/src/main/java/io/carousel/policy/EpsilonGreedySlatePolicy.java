package io.carousel.policy;

import java.util.random.RandomGenerator;

/**
 * ε-greedy slate policy: slot by slot, with probability 1 − ε take the remaining candidate with the
 * highest posterior mean score xᵀθ (ties to the lower index), otherwise a uniformly random
 * remaining candidate (Sutton &amp; Barto 2018, "Reinforcement Learning: An Introduction", §2.2,
 * applied per slot without replacement).
 *
 * <p>Propensity: {@code propensities[j]} is the exact probability of the chosen candidate in slot j
 * given slots 0..j−1, {@code (1 − ε)·[chosen is the best remaining] + ε / (n − j)}, so the product
 * over slots is the probability of the whole ranked slate. Stateless and thread-safe.
 */
public final class EpsilonGreedySlatePolicy implements SlatePolicy {

  /** Identifier logged with every slate. */
  public static final String ID = "epsilon-greedy";

  private final double epsilon;

  /** Creates the policy; throws IllegalArgumentException unless epsilon is in [0, 1]. */
  public EpsilonGreedySlatePolicy(double epsilon) {
    if (!(epsilon >= 0.0 && epsilon <= 1.0)) {
      throw new IllegalArgumentException("epsilon must be in [0, 1], got " + epsilon);
    }
    this.epsilon = epsilon;
  }

  /** Returns the exploration probability ε in [0, 1]. */
  public double epsilon() {
    return epsilon;
  }

  /** Returns {@code "epsilon-greedy"}. */
  @Override
  public String id() {
    return ID;
  }

  /**
   * Returns an ε-greedy slate in O(n·k + n·slateSize) with exact conditional propensities; throws
   * IllegalArgumentException as {@link SlatePolicy#choose} documents.
   */
  @Override
  public Slate choose(
      LinearPosterior posterior, float[][] candidateFeatures, int slateSize, RandomGenerator rng) {
    int len = SlateArgs.checkedSlateLength(posterior, candidateFeatures, slateSize);
    int n = candidateFeatures.length;
    int k = posterior.dim();
    double[] theta = posterior.mean();
    double[] scores = new double[n];
    // pool[0..remaining) holds the candidates not yet placed; removal swaps with the last.
    int[] pool = new int[n];
    for (int i = 0; i < n; i++) {
      float[] x = candidateFeatures[i];
      double s = 0;
      for (int d = 0; d < k; d++) {
        s += x[d] * theta[d];
      }
      scores[i] = s;
      pool[i] = i;
    }
    int[] chosen = new int[len];
    double[] propensities = new double[len];
    int remaining = n;
    for (int slot = 0; slot < len; slot++) {
      int bestPos = 0;
      for (int p = 1; p < remaining; p++) {
        if (TopK.better(scores, pool[p], pool[bestPos])) {
          bestPos = p;
        }
      }
      int pickPos = bestPos;
      // The coin is drawn even when ε is 0 or 1 so that every ε consumes the stream alike.
      if (rng.nextDouble() < epsilon) {
        pickPos = rng.nextInt(remaining);
      }
      double uniform = epsilon / remaining;
      propensities[slot] = pickPos == bestPos ? (1.0 - epsilon) + uniform : uniform;
      chosen[slot] = pool[pickPos];
      pool[pickPos] = pool[remaining - 1];
      remaining--;
    }
    return new Slate(chosen, propensities);
  }
}
