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
 * <p>Few observations are cheaper than the matrix: {@link #observe} keeps the observations {@code
 * (x, r)} not yet folded into A⁻¹ and b as raw floats, and folds them (Sherman–Morrison, in the
 * order observed, in double) once they would take more floats than the dense part, i.e. beyond
 * {@code ⌊(k(k+1)/2 + k) / (k+1)⌋} observations (9 at k = 18). A shopper with one click on a slate
 * then costs 76 B of observations on top of the shared start state instead of a 772 B matrix of its
 * own. {@link #unpack} applies them, so every reader sees the same posterior either way (up to the
 * single-precision rounding of the folded form, which is skipped while they are raw).
 *
 * @param dim feature dimension k, at least 1
 * @param aInvUpper upper triangle of A⁻¹ row-major, {@code float[k(k+1)/2]}
 * @param b reward-weighted feature sum, {@code float[k]}
 * @param updates observations since the prior (folded and raw), at least the raw ones
 * @param observations the raw observations after A⁻¹ and b, {@code float[n * (k+1)]}: x then r for
 *     each, oldest first; null or empty when there are none (every state written before they
 *     existed)
 */
public record PackedPosterior(
    int dim, float[] aInvUpper, float[] b, long updates, float[] observations) {

  /** Validates shapes; throws IllegalArgumentException on a wrong length or a bad dim. */
  public PackedPosterior {
    if (dim < 1 || aInvUpper.length != dim * (dim + 1) / 2 || b.length != dim || updates < 0) {
      throw new IllegalArgumentException(
          "packed posterior needs dim >= 1, k(k+1)/2 + k entries and updates >= 0");
    }
    if (observations != null
        && (observations.length % (dim + 1) != 0 || observations.length / (dim + 1) > updates)) {
      throw new IllegalArgumentException(
          "raw observations must be n * (k + 1) floats with n <= updates, got "
              + observations.length);
    }
  }

  /** A dense state without raw observations. */
  public PackedPosterior(int dim, float[] aInvUpper, float[] b, long updates) {
    this(dim, aInvUpper, b, updates, null);
  }

  /** Returns whether every entry of {@code x} is finite (neither NaN nor infinite). */
  public static boolean allFinite(float[] x) {
    for (float v : x) {
      if (!Float.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  /** Returns the number of raw observations not yet folded into A⁻¹ and b. */
  public int rawObservations() {
    return observations == null ? 0 : observations.length / (dim + 1);
  }

  /**
   * Returns this state after observing reward {@code reward} for context {@code x}: the observation
   * is kept raw (this state's arrays are shared, not copied) or, once the raw ones would outgrow
   * the dense part, all are folded into a new dense state.
   *
   * @param x {@code float[k]} context
   * @throws IllegalArgumentException if x.length != k, or x or reward is not finite
   */
  public PackedPosterior observe(float[] x, double reward) {
    if (x.length != dim || !Double.isFinite(reward) || !allFinite(x)) {
      throw new IllegalArgumentException(
          "observation needs " + dim + " finite features and a finite reward");
    }
    int n = rawObservations();
    if ((n + 1) * (dim + 1) > aInvUpper.length + dim) {
      return pack(unpack().updated(x, reward));
    }
    float[] obs =
        observations == null
            ? new float[dim + 1]
            : Arrays.copyOf(observations, observations.length + dim + 1);
    System.arraycopy(x, 0, obs, n * (dim + 1), dim);
    obs[n * (dim + 1) + dim] = (float) reward;
    return new PackedPosterior(dim, aInvUpper, b, updates + 1, obs);
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
    int raw = rawObservations();
    LinearPosterior p = new LinearPosterior(k, aInv, bd, updates - raw);
    for (int o = 0; o < raw; o++) {
      int at = o * (k + 1);
      p = p.updated(Arrays.copyOfRange(observations, at, at + k), observations[at + k]);
    }
    return p;
  }

  /** Returns true if {@code o} is a PackedPosterior with equal fields and array contents. */
  @Override
  public boolean equals(Object o) {
    return o instanceof PackedPosterior p
        && dim == p.dim
        && updates == p.updates
        && Arrays.equals(aInvUpper, p.aInvUpper)
        && Arrays.equals(b, p.b)
        && rawObservations() == p.rawObservations()
        && (rawObservations() == 0 || Arrays.equals(observations, p.observations));
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
    return "PackedPosterior[dim="
        + dim
        + ", updates="
        + updates
        + ", raw="
        + rawObservations()
        + "]";
  }
}
