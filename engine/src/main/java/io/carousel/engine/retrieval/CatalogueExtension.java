package io.carousel.engine.retrieval;

import java.util.SplittableRandom;

/**
 * Synthetic items drawn from a trained model's item-vector distribution, to serve a catalogue
 * larger than the log the model was trained on (the serving benchmark at 100k / 1M items).
 *
 * <p>The distribution is a Gaussian kernel density estimate over the trained item vectors: each
 * synthetic item picks a trained item uniformly at random (its <em>parent</em>), adds independent
 * Gaussian noise of standard deviation {@code bandwidth · σ_d} to each dimension d, where {@code
 * σ_d} is the standard deviation of dimension d over the trained items, and is L2-normalised like
 * every item-tower output. A single Gaussian fitted to the trained vectors would keep only their
 * mean and covariance and lose the clusters that trained embeddings form (categories, co-bought
 * groups): the retrieval cost and an ANN index's recall both depend on that structure, so the KDE
 * keeps it. The parent also lends the synthetic item its category, so category business rules apply
 * to it like to its neighbours.
 */
public final class CatalogueExtension {
  /** Noise as a share of each dimension's spread over the trained items. */
  public static final double DEFAULT_BANDWIDTH = 0.5;

  /**
   * The drawn items.
   *
   * @param vectors {@code float[E][dim]} L2-normalised
   * @param parents {@code int[E]} the trained item each was drawn around
   */
  public record Drawn(float[][] vectors, int[] parents) {}

  private CatalogueExtension() {}

  /**
   * Draws {@code count} synthetic items around {@code trained} (seeded: same input, same items).
   *
   * @param trained {@code float[N][dim]} the trained item vectors, N at least 1
   * @param bandwidth noise standard deviation as a share of each dimension's, at least 0
   * @throws IllegalArgumentException if there are no trained items, count or bandwidth is negative
   */
  public static Drawn draw(float[][] trained, int count, double bandwidth, long seed) {
    if (trained.length == 0 || count < 0 || !(bandwidth >= 0)) {
      throw new IllegalArgumentException(
          "need trained items, count >= 0 and bandwidth >= 0: "
              + trained.length
              + ", "
              + count
              + ", "
              + bandwidth);
    }
    int n = trained.length;
    int dim = trained[0].length;
    double[] mean = new double[dim];
    for (float[] v : trained) {
      for (int d = 0; d < dim; d++) {
        mean[d] += v[d];
      }
    }
    double[] std = new double[dim];
    for (int d = 0; d < dim; d++) {
      mean[d] /= n;
    }
    for (float[] v : trained) {
      for (int d = 0; d < dim; d++) {
        double x = v[d] - mean[d];
        std[d] += x * x;
      }
    }
    for (int d = 0; d < dim; d++) {
      std[d] = Math.sqrt(std[d] / n) * bandwidth;
    }
    SplittableRandom random = new SplittableRandom(seed);
    float[][] out = new float[count][dim];
    int[] parents = new int[count];
    for (int e = 0; e < count; e++) {
      int p = random.nextInt(n);
      parents[e] = p;
      double norm = 0;
      for (int d = 0; d < dim; d++) {
        double x = trained[p][d] + std[d] * gaussian(random);
        out[e][d] = (float) x;
        norm += x * x;
      }
      float inv = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0f;
      for (int d = 0; d < dim; d++) {
        out[e][d] *= inv;
      }
    }
    return new Drawn(out, parents);
  }

  /** A standard normal variate (Box–Muller; SplittableRandom has no nextGaussian in Java 17). */
  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
