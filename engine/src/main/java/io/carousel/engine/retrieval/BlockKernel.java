package io.carousel.engine.retrieval;

/**
 * The scan kernel shared by {@link ExactTopK} and {@link IvfTopK}: scores of one block of items
 * held dimension-major, one {@code float[block]} per dimension ({@code rows[base + d][i]} =
 * dimension d of the block's item i). {@code s[i] += q[d] · row_d[i]} over contiguous arrays is the
 * loop C2 compiles to SIMD; each score is summed over d in order, the same float operations as a
 * plain {@code s = q[0]·v[0]; s += q[d]·v[d]} loop ({@link #dot}), so every path agrees bit for
 * bit.
 */
final class BlockKernel {
  private BlockKernel() {}

  /** One query's scores for the block at {@code base}: {@code s[i] = Σ_d x[d] · row_d[i]}. */
  static void scores1(float[][] rows, int base, int dim, float[] x, float[] s) {
    float[] m = rows[base];
    float x0 = x[0];
    for (int i = 0; i < m.length; i++) {
      s[i] = x0 * m[i];
    }
    for (int d = 1; d < dim; d++) {
      m = rows[base + d];
      float xd = x[d];
      for (int i = 0; i < m.length; i++) {
        s[i] += xd * m[i];
      }
    }
  }

  /** Four queries' scores for one block, each block row loaded once for the four. */
  static void scores4(
      float[][] rows,
      int base,
      int dim,
      float[] x0,
      float[] x1,
      float[] x2,
      float[] x3,
      float[] s0,
      float[] s1,
      float[] s2,
      float[] s3) {
    float[] m = rows[base];
    float a0 = x0[0];
    float a1 = x1[0];
    float a2 = x2[0];
    float a3 = x3[0];
    for (int i = 0; i < m.length; i++) {
      float v = m[i];
      s0[i] = a0 * v;
      s1[i] = a1 * v;
      s2[i] = a2 * v;
      s3[i] = a3 * v;
    }
    for (int d = 1; d < dim; d++) {
      m = rows[base + d];
      a0 = x0[d];
      a1 = x1[d];
      a2 = x2[d];
      a3 = x3[d];
      for (int i = 0; i < m.length; i++) {
        float v = m[i];
        s0[i] += a0 * v;
        s1[i] += a1 * v;
        s2[i] += a2 * v;
        s3[i] += a3 * v;
      }
    }
  }

  /** {@code x · v} summed over d in order: the kernel's score of one item, bit for bit. */
  static float dot(float[] x, float[] v) {
    float s = x[0] * v[0];
    for (int d = 1; d < x.length; d++) {
      s += x[d] * v[d];
    }
    return s;
  }
}
