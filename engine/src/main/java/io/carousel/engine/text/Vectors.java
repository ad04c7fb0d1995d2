package io.carousel.engine.text;

/** Small dense-vector helpers for embeddings. */
public final class Vectors {
  private Vectors() {}

  /** Returns a copy of {@code v} scaled to unit L2 norm (a zero vector is returned unchanged). */
  public static float[] normalized(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    float[] out = v.clone();
    if (sum > 0) {
      float inv = (float) (1.0 / Math.sqrt(sum));
      for (int i = 0; i < out.length; i++) {
        out[i] *= inv;
      }
    }
    return out;
  }

  /**
   * Returns the dot product of two equal-length vectors (the cosine for unit vectors).
   *
   * @throws IllegalArgumentException if the lengths differ
   */
  public static double dot(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
    }
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
