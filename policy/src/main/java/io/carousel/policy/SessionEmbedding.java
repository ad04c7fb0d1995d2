package io.carousel.policy;

/**
 * Maintains a shopper's short-term session embedding as an exponentially time-decayed sum of the
 * item vectors they interacted with, L2-normalised.
 *
 * <p>The decay is the half-life form of an exponential moving average over continuous time: a
 * contribution observed Δt ms ago weighs {@code 2^(−Δt / halfLife)}. Out-of-order events are folded
 * in by decaying the old event instead of the current state, so the result does not depend on
 * arrival order up to the final normalisation.
 */
public final class SessionEmbedding {

  private SessionEmbedding() {}

  /**
   * Returns a new L2-normalised {@code float[d]} combining {@code current} ({@code float[d]} at
   * {@code currentTimeMs}; null or all zeros before the first event) with {@code weight ·
   * itemVector} observed at {@code eventTimeMs}, decayed with half-life {@code halfLifeMs} ms (all
   * zeros if the sum is zero); throws IllegalArgumentException if the dimensions differ or
   * halfLifeMs is not a positive number.
   */
  public static float[] update(
      float[] current,
      long currentTimeMs,
      float[] itemVector,
      long eventTimeMs,
      double halfLifeMs,
      float weight) {
    if (!(halfLifeMs > 0)) {
      throw new IllegalArgumentException("halfLifeMs must be > 0, got " + halfLifeMs);
    }
    int d = itemVector.length;
    if (current != null && current.length != d) {
      throw new IllegalArgumentException(
          "session embedding has " + current.length + " dims, item vector has " + d);
    }
    double currentScale;
    double itemScale;
    if (eventTimeMs >= currentTimeMs) {
      // Subtract as double: the two longs may be far apart (e.g. a zero "current" time).
      double dt = (double) eventTimeMs - (double) currentTimeMs;
      currentScale = Math.pow(2.0, -dt / halfLifeMs);
      itemScale = weight;
    } else {
      double dt = (double) currentTimeMs - (double) eventTimeMs;
      currentScale = 1.0;
      itemScale = weight * Math.pow(2.0, -dt / halfLifeMs);
    }
    double[] sum = new double[d];
    double norm2 = 0;
    for (int i = 0; i < d; i++) {
      double v = itemScale * itemVector[i];
      if (current != null) {
        v += currentScale * current[i];
      }
      sum[i] = v;
      norm2 += v * v;
    }
    float[] out = new float[d];
    if (norm2 > 0) {
      double inv = 1.0 / Math.sqrt(norm2);
      for (int i = 0; i < d; i++) {
        out[i] = (float) (sum[i] * inv);
      }
    }
    return out;
  }

  /** Returns the session clock after an event, {@code max(currentTimeMs, eventTimeMs)} in ms. */
  public static long newTime(long currentTimeMs, long eventTimeMs) {
    return Math.max(currentTimeMs, eventTimeMs);
  }
}
