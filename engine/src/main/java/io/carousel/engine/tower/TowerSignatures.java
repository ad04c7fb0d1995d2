package io.carousel.engine.tower;

import java.util.Arrays;

/**
 * The contract between the exported two-tower SavedModel and {@link TwoTowerScorer}: the signature,
 * input and output names, and how a history becomes the {@code history} input {@code int32[B][N]}.
 * The exporter ({@code io.carousel.offline.train.ServingGraph}) and the training examples ({@code
 * io.carousel.offline.train.TrainingExamples}) use the same constants, so that a folder trained
 * offline is read at serve time without the training code on the classpath.
 */
public final class TowerSignatures {
  /** Signature: {@value #HISTORY_INPUT} to {@value #SCORES_OUTPUT} {@code float[B][numItems]}. */
  public static final String SCORE = "score";

  /**
   * Signature: {@value #HISTORY_INPUT} to {@value #SESSION_VECTOR_OUTPUT} {@code float[B][dim]}.
   */
  public static final String SESSION_VECTOR = "session_vector";

  /** Signature without input: the item matrix {@code float[numItems][dim]}. */
  public static final String ITEM_VECTORS = "item_vectors";

  /** Signature of a model with text: {@value #TEXT_INPUT} to {@value #ITEM_VECTOR_OUTPUT}. */
  public static final String ITEM_VECTOR_FROM_TEXT = "item_vector_from_text";

  /** Input {@code int32[B][N]}: item indices, most recent last, left-padded with {@link #PAD}. */
  public static final String HISTORY_INPUT = "history";

  /** Input {@code float32[B][textDim]}: frozen text vectors. */
  public static final String TEXT_INPUT = "text";

  public static final String SCORES_OUTPUT = "scores";
  public static final String SESSION_VECTOR_OUTPUT = "session_vector";
  public static final String ITEM_VECTORS_OUTPUT = "item_vectors";
  public static final String ITEM_VECTOR_OUTPUT = "item_vector";

  /** Padding value of a history; the graph masks every negative index out of the session tower. */
  public static final int PAD = -1;

  private TowerSignatures() {}

  /**
   * Pads or truncates one history (most recent item last) to {@code int[N]}, left-padded with
   * {@link #PAD}, into {@code out} at {@code offset}.
   */
  public static void padInto(int[] history, int historyLength, int[] out, int offset) {
    int len = Math.min(history.length, historyLength);
    Arrays.fill(out, offset, offset + historyLength - len, PAD);
    System.arraycopy(history, history.length - len, out, offset + historyLength - len, len);
  }
}
