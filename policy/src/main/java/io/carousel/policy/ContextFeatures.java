package io.carousel.policy;

import java.util.Random;

/**
 * Builds the bandit context x(user, item) of {@link #DIM} = 16 features: {@code [1 (bias),
 * modelScore, popularity, seen, 12 projected item-vector dims]}.
 *
 * <p>The item vector is compressed by a fixed Gaussian random projection with entries N(0, 1/12),
 * which preserves squared norms in expectation (Johnson–Lindenstrauss; Achlioptas 2003,
 * "Database-friendly random projections", §1). The projection is a function of {@code (itemDim,
 * seed)} only, drawn with {@link java.util.Random}, whose Gaussian sequence is specified by the
 * JDK, so every node and every release builds the same contexts; changing the seed invalidates
 * every learned {@link LinearPosterior}. Instances are immutable and thread-safe.
 */
public final class ContextFeatures {

  /** Context dimension k of every vector built here. */
  public static final int DIM = 16;

  /** Number of projected item-vector dimensions at the end of the context. */
  public static final int PROJECTED_DIMS = 12;

  private static final int HEAD = DIM - PROJECTED_DIMS;

  private final int itemDim;
  private final long seed;
  // Row-major float[PROJECTED_DIMS * itemDim].
  private final float[] projection;

  /**
   * Fixes the seeded projection itemDim → 12 with entries N(0, 1) / sqrt(12); throws
   * IllegalArgumentException if itemDim < 1.
   */
  public ContextFeatures(int itemDim, long seed) {
    if (itemDim < 1) {
      throw new IllegalArgumentException("itemDim must be >= 1, got " + itemDim);
    }
    this.itemDim = itemDim;
    this.seed = seed;
    this.projection = new float[PROJECTED_DIMS * itemDim];
    Random random = new Random(seed);
    double scale = 1.0 / Math.sqrt(PROJECTED_DIMS);
    for (int i = 0; i < projection.length; i++) {
      projection[i] = (float) (random.nextGaussian() * scale);
    }
  }

  /** Returns the item-vector dimension this instance accepts. */
  public int itemDim() {
    return itemDim;
  }

  /** Returns the projection seed. */
  public long seed() {
    return seed;
  }

  /**
   * Returns a new context {@code float[16]} = [1, modelScore, popularity (expected in [0, 1]), seen
   * ? 1 : 0, projection of {@code itemVector} ({@code float[itemDim]})]; throws
   * IllegalArgumentException if itemVector.length != itemDim.
   */
  public float[] build(float modelScore, float popularity, boolean seen, float[] itemVector) {
    float[] out = new float[DIM];
    buildInto(out, modelScore, popularity, seen, itemVector);
    return out;
  }

  /**
   * Writes the context of {@link #build} into {@code out} ({@code float[16]}) without allocating;
   * throws IllegalArgumentException if out.length != 16 or itemVector.length != itemDim.
   */
  public void buildInto(
      float[] out, float modelScore, float popularity, boolean seen, float[] itemVector) {
    if (out.length != DIM) {
      throw new IllegalArgumentException("out must have " + DIM + " entries, got " + out.length);
    }
    if (itemVector.length != itemDim) {
      throw new IllegalArgumentException(
          "item vector has " + itemVector.length + " dims, expected " + itemDim);
    }
    out[0] = 1f;
    out[1] = modelScore;
    out[2] = popularity;
    out[3] = seen ? 1f : 0f;
    for (int r = 0; r < PROJECTED_DIMS; r++) {
      double s = 0;
      int row = r * itemDim;
      for (int c = 0; c < itemDim; c++) {
        s += projection[row + c] * itemVector[c];
      }
      out[HEAD + r] = (float) s;
    }
  }
}
