package io.carousel.policy;

import java.util.random.RandomGenerator;

/**
 * A policy that assembles a slate of distinct candidates from a user's {@link LinearPosterior} and
 * per-candidate contexts, reporting a propensity per slot for off-policy evaluation.
 */
public interface SlatePolicy {

  /** Returns the stable identifier logged with every slate, e.g. {@code "linear-ts"}. */
  String id();

  /**
   * Returns a slate of {@code min(slateSize, candidateFeatures.length)} distinct candidates chosen
   * from {@code candidateFeatures} ({@code float[n][posterior.dim()]}), drawing randomness only
   * from {@code rng}; throws IllegalArgumentException if slateSize <= 0 or a row's length differs
   * from {@code posterior.dim()}.
   */
  Slate choose(
      LinearPosterior posterior, float[][] candidateFeatures, int slateSize, RandomGenerator rng);
}
