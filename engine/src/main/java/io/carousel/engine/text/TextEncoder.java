package io.carousel.engine.text;

import java.util.List;

/**
 * Maps item texts to fixed-size, L2-normalised embedding vectors with frozen pretrained weights.
 */
public interface TextEncoder {
  /** Returns the embedding dimension, e.g. 384 for MiniLM-L6. */
  int dim();

  /**
   * Returns a stable id of the model and its weights, used as a cache key (e.g. {@code
   * all-minilm-l6-v2}).
   */
  String modelId();

  /**
   * Encodes {@code texts}; equal texts give equal vectors.
   *
   * @return {@code float[texts.size()][dim()]}, every row of unit L2 norm
   * @throws IllegalStateException if the model fails (the cause is kept)
   */
  float[][] encode(List<String> texts);
}
