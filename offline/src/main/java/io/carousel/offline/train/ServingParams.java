package io.carousel.offline.train;

/**
 * The trained values the serving graph needs, copied out of the training session: the pooling
 * tower's weights or the attention tower's, never both.
 *
 * @param itemVectors {@code float[numItems][dim]}, already L2-normalised
 * @param positionLogits {@code float[N]}, position N-1 is the most recent item (pooling, else null)
 * @param dense {@code float[dim][dim]} (pooling, else null)
 * @param bias {@code float[dim]} (pooling, else null)
 * @param logScale log of the inverse softmax temperature
 * @param textProjection {@code float[textDim][dim]} W_text, or null for a model without text
 * @param attention the attention block's weights (attention, else null), see {@link
 *     AttentionTower.Weights}
 */
public record ServingParams(
    float[][] itemVectors,
    float[] positionLogits,
    float[][] dense,
    float[] bias,
    float logScale,
    float[][] textProjection,
    AttentionTower.Weights<float[][]> attention) {

  /**
   * @throws IllegalArgumentException unless exactly one tower's weights are present
   */
  public ServingParams {
    boolean pooling = positionLogits != null && dense != null && bias != null;
    if (pooling == (attention != null)) {
      throw new IllegalArgumentException("expected the weights of exactly one session tower");
    }
  }

  /** Parameters of a pooling-tower model. */
  public ServingParams(
      float[][] itemVectors,
      float[] positionLogits,
      float[][] dense,
      float[] bias,
      float logScale,
      float[][] textProjection) {
    this(itemVectors, positionLogits, dense, bias, logScale, textProjection, null);
  }

  /** Returns which session tower these weights belong to. */
  SessionTowerType tower() {
    return attention == null ? SessionTowerType.POOLING : SessionTowerType.ATTENTION;
  }

  /** Returns the number of items. */
  int numItems() {
    return itemVectors.length;
  }

  /** Returns the vector width. */
  int dim() {
    return itemVectors[0].length;
  }

  /** Returns N, the history length. */
  int historyLength() {
    return attention == null ? positionLogits.length : attention.positions().length;
  }
}
