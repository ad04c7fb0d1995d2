package io.carousel.policy;

import java.util.random.RandomGenerator;

/**
 * A non-contextual policy that assembles a slate of distinct arms from per-arm {@link BetaArms}
 * posteriors, reporting a propensity per slot; the arm-level counterpart of {@link SlatePolicy}.
 */
public interface ArmSlatePolicy {

  /** Returns the stable identifier logged with every slate, e.g. {@code "bernoulli-ts"}. */
  String id();

  /**
   * Returns a slate of {@code min(slateSize, arms.size())} distinct arm indices, drawing randomness
   * only from {@code rng}; throws IllegalArgumentException if slateSize <= 0.
   */
  Slate choose(BetaArms arms, int slateSize, RandomGenerator rng);

  /**
   * Returns the marginal slot probabilities {@code double[min(slateSize, nArms)][nArms]}: entry
   * [j][a] is the probability that arm a is shown in slot j (each row sums to 1); exact or Monte
   * Carlo as the implementation documents; throws IllegalArgumentException if slateSize <= 0.
   */
  double[][] slotMarginals(BetaArms arms, int slateSize, RandomGenerator rng);
}
