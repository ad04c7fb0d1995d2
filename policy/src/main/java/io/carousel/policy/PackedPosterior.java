package io.carousel.policy;

import java.util.Arrays;

/**
 * Compact persistence and in-memory form of a {@link LinearPosterior}: A⁻¹ is symmetric (every
 * update re-symmetrises it), so only its upper triangle, row by row, is kept, in single precision:
 * k(k+1)/2 floats instead of k² doubles, e.g. 136 × 4 B instead of 256 × 8 B at k = 16 (on the heap
 * 640 B instead of 2 KB; in Jackson CBOR about 0.8 KB instead of 2.5 KB). Arithmetic stays in
 * double ({@link #unpack}); only the stored value is rounded, a relative error of at most 2⁻²⁴ ≈
 * 6e-8 per entry per update, far below the posterior's own spread (entries of A⁻¹ shrink like 1/n,
 * so float rounding keeps it positive definite for millions of updates). Rounding is deterministic,
 * so a replay of the same events rebuilds the same packed state bit for bit. Immutable by
 * convention: callers must not mutate the arrays.
 *
 * @param dim feature dimension k, at least 1
 * @param aInvUpper upper triangle of A⁻¹ row-major, {@code float[k(k+1)/2]}
 * @param b reward-weighted feature sum, {@code float[k]}
 * @param updates observations since the prior, at least 0
 */
public record PackedPosterior(int dim, float[] aInvUpper, float[] b, long updates) {

  /** Validates shapes; throws IllegalArgumentException on a wrong length or a bad dim. */
  public PackedPosterior {
    if (dim < 1 || aInvUpper.length != dim * (dim + 1) / 2 || b.length != dim || updates < 0) {
      throw new IllegalArgumentException(
          "packed posterior needs dim >= 1, k(k+1)/2 + k entries and updates >= 0");
    }
  }

  /** Returns the packed form of {@code p}, reading the upper triangle of its A⁻¹ in O(k²). */
  public static PackedPosterior pack(LinearPosterior p) {
    int k = p.dim();
    float[] upper = new float[k * (k + 1) / 2];
    int n = 0;
    for (int i = 0; i < k; i++) {
      for (int j = i; j < k; j++) {
        upper[n++] = (float) p.aInv()[i * k + j];
      }
    }
    float[] b = new float[k];
    for (int i = 0; i < k; i++) {
      b[i] = (float) p.b()[i];
    }
    return new PackedPosterior(k, upper, b, p.updates());
  }

  /** Returns the posterior (in double) with A⁻¹ mirrored from the upper triangle, in O(k²). */
  public LinearPosterior unpack() {
    int k = dim;
    double[] aInv = new double[k * k];
    int n = 0;
    for (int i = 0; i < k; i++) {
      for (int j = i; j < k; j++) {
        aInv[i * k + j] = aInvUpper[n];
        aInv[j * k + i] = aInvUpper[n];
        n++;
      }
    }
    double[] bd = new double[k];
    for (int i = 0; i < k; i++) {
      bd[i] = b[i];
    }
    return new LinearPosterior(k, aInv, bd, updates);
  }

  /** Returns true if {@code o} is a PackedPosterior with equal fields and array contents. */
  @Override
  public boolean equals(Object o) {
    return o instanceof PackedPosterior p
        && dim == p.dim
        && updates == p.updates
        && Arrays.equals(aInvUpper, p.aInvUpper)
        && Arrays.equals(b, p.b);
  }

  /** Returns a hash over the fields and array contents, consistent with equals. */
  @Override
  public int hashCode() {
    return 31 * (31 * (31 * dim + Long.hashCode(updates)) + Arrays.hashCode(aInvUpper))
        + Arrays.hashCode(b);
  }

  /** Returns a short debug string. */
  @Override
  public String toString() {
    return "PackedPosterior[dim=" + dim + ", updates=" + updates + "]";
  }
}
