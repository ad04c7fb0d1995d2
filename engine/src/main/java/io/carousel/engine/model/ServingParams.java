package io.carousel.engine.model;

/**
 * The trained values the serving graph needs, copied out of the training session.
 *
 * @param itemVectors {@code float[numItems][dim]}, already L2-normalised
 * @param positionLogits {@code float[N]}, position N-1 is the most recent item
 * @param dense {@code float[dim][dim]}
 * @param bias {@code float[dim]}
 * @param logScale log of the inverse softmax temperature
 * @param textProjection {@code float[textDim][dim]} W_text, or null for a model without text
 */
record ServingParams(
    float[][] itemVectors,
    float[] positionLogits,
    float[][] dense,
    float[] bias,
    float logScale,
    float[][] textProjection) {

  /** Returns the number of items. */
  int numItems() {
    return itemVectors.length;
  }

  /** Returns the vector width. */
  int dim() {
    return bias.length;
  }

  /** Returns N, the history length. */
  int historyLength() {
    return positionLogits.length;
  }
}
