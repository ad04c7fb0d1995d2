package io.carousel.policy;

/** Argument checks shared by the {@link SlatePolicy} implementations. */
final class SlateArgs {

  private SlateArgs() {}

  /**
   * Returns the slate length {@code min(slateSize, n)}; throws IllegalArgumentException if
   * slateSize <= 0 or a row of {@code candidateFeatures} does not have {@code posterior.dim()}
   * entries.
   */
  static int checkedSlateLength(
      LinearPosterior posterior, float[][] candidateFeatures, int slateSize) {
    if (slateSize <= 0) {
      throw new IllegalArgumentException("slateSize must be >= 1, got " + slateSize);
    }
    int dim = posterior.dim();
    for (int i = 0; i < candidateFeatures.length; i++) {
      if (candidateFeatures[i].length != dim) {
        throw new IllegalArgumentException(
            "candidate "
                + i
                + " has "
                + candidateFeatures[i].length
                + " features, posterior dim is "
                + dim);
      }
    }
    return Math.min(slateSize, candidateFeatures.length);
  }
}
