package io.carousel.policy;

import java.util.Random;

/**
 * Builds the bandit context x(user, item) of {@link #DIM} = 16 features: {@code [1 (bias),
 * modelScore, popularity, seen, 12 projected item-vector dims]} ({@link Layout#STANDARD}, the
 * default, which every stored posterior uses), or 17 with {@link Layout#TREND}, which appends an
 * online recency-decayed popularity ({@link TrendPopularity}) at index 16, or 18 with {@link
 * Layout#TWO_TRENDS}: a short and a long half-life at 16 and 17, so that the bandit's weights pick
 * the time scale of the drift (multi-scale exponential smoothing; Gardner 1985, "Exponential
 * smoothing: the state of the art", §2).
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

  /** Index of the trend feature in a {@link Layout#TREND} context. */
  public static final int TREND_INDEX = DIM;

  /**
   * Index of the first projected item-vector dimension, in every layout (after the 4 head ones).
   */
  public static final int PROJECTED_FROM = DIM - PROJECTED_DIMS;

  private static final int HEAD = PROJECTED_FROM;

  /** The feature layouts; the standard 16-d one is the default and never changes. */
  public enum Layout {
    /** {@code float[16]}: bias, model score, popularity, seen, 12 projected dims. */
    STANDARD(DIM, 0),
    /** {@code float[17]}: the standard 16 then the online trend popularity in [0, 1]. */
    TREND(DIM + 1, 1),
    /** {@code float[18]}: the standard 16 then a short and a long half-life trend in [0, 1]. */
    TWO_TRENDS(DIM + 2, 2);

    private final int dim;
    private final int trends;

    Layout(int dim, int trends) {
      this.dim = dim;
      this.trends = trends;
    }

    /** Returns the number of trend features after the standard 16 (0, 1 or 2). */
    public int trends() {
      return trends;
    }

    /** Returns the context dimension k of this layout. */
    public int dim() {
      return dim;
    }
  }

  private final int itemDim;
  private final long seed;
  private final Layout layout;
  // Row-major float[PROJECTED_DIMS * itemDim].
  private final float[] projection;

  /**
   * Fixes the seeded projection itemDim → 12 with entries N(0, 1) / sqrt(12), standard 16-d layout;
   * throws IllegalArgumentException if itemDim < 1.
   */
  public ContextFeatures(int itemDim, long seed) {
    this(itemDim, seed, Layout.STANDARD);
  }

  /**
   * Fixes the seeded projection itemDim → 12 (same draw for every layout) and the {@code layout};
   * throws IllegalArgumentException if itemDim < 1.
   */
  public ContextFeatures(int itemDim, long seed, Layout layout) {
    if (itemDim < 1) {
      throw new IllegalArgumentException("itemDim must be >= 1, got " + itemDim);
    }
    this.itemDim = itemDim;
    this.seed = seed;
    this.layout = layout;
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

  /** Returns the layout. */
  public Layout layout() {
    return layout;
  }

  /** Returns the context dimension k (16 standard, 17 or 18 with trend features). */
  public int dim() {
    return layout.dim();
  }

  /**
   * Returns a new context {@code float[16]} = [1, modelScore, popularity (expected in [0, 1]), seen
   * ? 1 : 0, projection of {@code itemVector} ({@code float[itemDim]})]; throws
   * IllegalArgumentException if itemVector.length != itemDim.
   */
  public float[] build(float modelScore, float popularity, boolean seen, float[] itemVector) {
    return build(modelScore, popularity, seen, itemVector, 0f);
  }

  /**
   * Returns a new context {@code float[dim()]}: the standard 16 features of {@link #build(float,
   * float, boolean, float[])}, then {@code trend} (expected in [0, 1]) in each of the layout's
   * trend slots from {@link #TREND_INDEX}; the standard layout ignores {@code trend}.
   */
  public float[] build(
      float modelScore, float popularity, boolean seen, float[] itemVector, float trend) {
    float[] out = new float[dim()];
    writeStandard(out, modelScore, popularity, seen, itemVector);
    for (int i = 0; i < layout.trends(); i++) {
      out[TREND_INDEX + i] = trend;
    }
    return out;
  }

  /**
   * Returns a new context {@code float[dim()]}: the standard 16 features, then the first {@code
   * layout().trends()} entries of {@code trends} (each expected in [0, 1], shortest half-life
   * first); throws IllegalArgumentException if fewer trends are given than the layout needs.
   */
  public float[] build(
      float modelScore, float popularity, boolean seen, float[] itemVector, float[] trends) {
    if (trends.length < layout.trends()) {
      throw new IllegalArgumentException(
          layout + " needs " + layout.trends() + " trends, got " + trends.length);
    }
    float[] out = new float[dim()];
    writeStandard(out, modelScore, popularity, seen, itemVector);
    System.arraycopy(trends, 0, out, TREND_INDEX, layout.trends());
    return out;
  }

  /**
   * Writes the standard context of {@link #build(float, float, boolean, float[])} into {@code out}
   * ({@code float[16]}) without allocating; throws IllegalArgumentException if out.length != 16 or
   * itemVector.length != itemDim.
   */
  public void buildInto(
      float[] out, float modelScore, float popularity, boolean seen, float[] itemVector) {
    if (out.length != DIM) {
      throw new IllegalArgumentException("out must have " + DIM + " entries, got " + out.length);
    }
    writeStandard(out, modelScore, popularity, seen, itemVector);
  }

  /**
   * Returns the projected part of an item's context, {@code float[12]}: the entries a context built
   * from {@code itemVector} holds at {@code [PROJECTED_FROM, PROJECTED_FROM + 12)}, bit for bit.
   * Depends on the item only, so a node can compute it once per item and share it.
   *
   * @param itemVector {@code float[itemDim]}
   * @throws IllegalArgumentException if itemVector.length != itemDim
   */
  public float[] project(float[] itemVector) {
    float[] out = new float[PROJECTED_DIMS];
    projectInto(out, 0, itemVector);
    return out;
  }

  /**
   * Returns a new context {@code float[dim()]} like {@link #build(float, float, boolean, float[],
   * float[])}, from an item's {@link #project projection} instead of its vector (no projection
   * work; the same floats).
   *
   * @param projected {@code float[12]} from {@link #project}
   * @param trends at least {@code layout().trends()} trend features, shortest half-life first
   * @throws IllegalArgumentException if projected is not 12 long or too few trends are given
   */
  public float[] buildFromProjection(
      float modelScore, float popularity, boolean seen, float[] projected, float[] trends) {
    if (projected.length != PROJECTED_DIMS || trends.length < layout.trends()) {
      throw new IllegalArgumentException(
          "need "
              + PROJECTED_DIMS
              + " projected dims and "
              + layout.trends()
              + " trends, got "
              + projected.length
              + " and "
              + trends.length);
    }
    float[] out = new float[dim()];
    writeHead(out, modelScore, popularity, seen);
    System.arraycopy(projected, 0, out, HEAD, PROJECTED_DIMS);
    System.arraycopy(trends, 0, out, TREND_INDEX, layout.trends());
    return out;
  }

  private void writeStandard(
      float[] out, float modelScore, float popularity, boolean seen, float[] itemVector) {
    writeHead(out, modelScore, popularity, seen);
    projectInto(out, HEAD, itemVector);
  }

  private static void writeHead(float[] out, float modelScore, float popularity, boolean seen) {
    out[0] = 1f;
    out[1] = modelScore;
    out[2] = popularity;
    out[3] = seen ? 1f : 0f;
  }

  private void projectInto(float[] out, int from, float[] itemVector) {
    if (itemVector.length != itemDim) {
      throw new IllegalArgumentException(
          "item vector has " + itemVector.length + " dims, expected " + itemDim);
    }
    for (int r = 0; r < PROJECTED_DIMS; r++) {
      double s = 0;
      int row = r * itemDim;
      for (int c = 0; c < itemDim; c++) {
        s += projection[row + c] * itemVector[c];
      }
      out[from + r] = (float) s;
    }
  }
}
