package io.carousel.engine.wide;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * The weights of the two wide terms of {@link WideAndDeep}, in logit units (the tower's logit is
 * {@code logitScale · cosine}), stored next to the SavedModel ({@link
 * io.carousel.engine.model.ModelFolder} reads and writes the file).
 *
 * @param format file format version, {@value #FORMAT}
 * @param knn weight of the co-occurrence cosine sum over the history, in [0, {@value #MAX_WEIGHT}]
 * @param next weight of the transition probability from the last history item, in [0, {@value
 *     #MAX_WEIGHT}]
 * @param chosenBy how they were set, e.g. {@code "validation"} or {@code "default"}
 */
public record WideWeights(int format, float knn, float next, String chosenBy) {
  /** The format version this build writes and reads. */
  public static final int FORMAT = 1;

  /**
   * Largest accepted weight: the validation grid tops out at 8 and the tower's logit scale is about
   * 10, so 1000 is far beyond any sane weight, yet keeps every score finite (a finite but huge
   * weight such as 3e38 turned scores into Infinity and NaN).
   */
  public static final float MAX_WEIGHT = 1000f;

  /** No wide term: the pure two-tower score. */
  public static final WideWeights NONE = of(0, 0, "none");

  /** Checks the weights. */
  public WideWeights {
    if (!inRange(knn) || !inRange(next)) {
      throw new IllegalArgumentException(
          "wide weights must be in [0, " + MAX_WEIGHT + "]: " + knn + ", " + next);
    }
  }

  /** Returns whether {@code w} is a valid weight: in [0, {@value #MAX_WEIGHT}] (NaN is not). */
  public static boolean inRange(double w) {
    return w >= 0 && w <= MAX_WEIGHT;
  }

  /** Returns weights of the current format. */
  public static WideWeights of(float knn, float next, String chosenBy) {
    return new WideWeights(FORMAT, knn, next, chosenBy);
  }

  /** Returns whether both weights are 0 (tower only). */
  @JsonIgnore
  public boolean isNone() {
    return knn == 0 && next == 0;
  }

  /** Returns {@code wKnn=…, wNext=…}, for logs and report settings. */
  @JsonIgnore
  public String describe() {
    return "wKnn=" + knn + ", wNext=" + next;
  }
}
