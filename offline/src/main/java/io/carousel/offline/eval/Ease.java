package io.carousel.offline.eval;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * EASE^R, the embarrassingly shallow autoencoder (Steck, "Embarrassingly Shallow Autoencoders for
 * Sparse Data", WWW 2019, §3.1, eq. 8): {@code P = (XᵀX + λI)⁻¹}, {@code B = I - P · diagMat(1 /
 * diag(P))}, {@code score = x_u · B} with binary user rows {@code x_u}.
 *
 * <p>The Gram matrix is inverted in double precision by Gauss-Jordan elimination, {@code O(n³)}
 * time and {@code double[n][n]} memory. To bound both, only the {@code maxItems} most popular items
 * (ties by lower index) get a row and a column; every other item scores below all of them, ordered
 * by popularity.
 */
public final class Ease implements Recommender {
  /** Score offset of items outside the capped item set. */
  private static final float OUTSIDE = -1e6f;

  private final double lambda;
  private final int maxItems;
  private int numItems;
  private int[] local = new int[0];
  private float[][] weights = new float[0][];
  private float[] fallback = new float[0];

  /**
   * Creates the model.
   *
   * @param lambda L2 regularisation λ of the item-item weights
   * @param maxItems largest number of items with weights (memory {@code 8 · maxItems²} bytes)
   */
  public Ease(double lambda, int maxItems) {
    this.lambda = lambda;
    this.maxItems = maxItems;
  }

  @Override
  public String name() {
    return "ease";
  }

  /** Returns λ. */
  public double lambda() {
    return lambda;
  }

  @Override
  public void fit(List<int[]> sequences, int numItems) {
    this.numItems = numItems;
    float[] counts = Popularity.counts(sequences, numItems);
    Integer[] byPop = new Integer[numItems];
    for (int i = 0; i < numItems; i++) {
      byPop[i] = i;
    }
    Arrays.sort(
        byPop, (a, b) -> counts[a] != counts[b] ? Float.compare(counts[b], counts[a]) : a - b);
    int n = Math.min(maxItems, numItems);
    local = new int[numItems];
    Arrays.fill(local, -1);
    float max = 0;
    for (float c : counts) {
      max = Math.max(max, c);
    }
    fallback = new float[numItems];
    for (int i = 0; i < numItems; i++) {
      fallback[i] = OUTSIDE + counts[i] / (max + 1);
    }
    for (int k = 0; k < n; k++) {
      local[byPop[k]] = k;
      fallback[byPop[k]] = 0;
    }
    double[][] g = new double[n][n];
    for (int[] s : sequences) {
      int[] set = Arrays.stream(s).map(i -> local[i]).filter(i -> i >= 0).distinct().toArray();
      for (int a : set) {
        for (int b : set) {
          g[a][b]++;
        }
      }
    }
    for (int a = 0; a < n; a++) {
      g[a][a] += lambda;
    }
    invertInPlace(g);
    weights = new float[n][n];
    for (int a = 0; a < n; a++) {
      for (int b = 0; b < n; b++) {
        weights[a][b] = a == b ? 0f : (float) (-g[a][b] / g[b][b]);
      }
    }
  }

  /**
   * Inverts a symmetric positive definite {@code double[n][n]} in place by Gauss-Jordan elimination
   * without pivoting (stable for SPD matrices), rows updated in parallel.
   */
  static void invertInPlace(double[][] a) {
    int n = a.length;
    for (int k = 0; k < n; k++) {
      double[] rowK = a[k];
      double inv = 1.0 / rowK[k];
      for (int j = 0; j < n; j++) {
        rowK[j] *= inv;
      }
      rowK[k] = inv;
      final int pivot = k;
      IntStream.range(0, n)
          .parallel()
          .forEach(
              i -> {
                if (i == pivot) {
                  return;
                }
                double[] row = a[i];
                double f = row[pivot];
                if (f == 0) {
                  return;
                }
                for (int j = 0; j < n; j++) {
                  row[j] -= f * rowK[j];
                }
                row[pivot] = -f * inv;
              });
    }
  }

  @Override
  public float[][] score(int[] users, int[][] histories) {
    float[][] out = new float[users.length][];
    for (int b = 0; b < users.length; b++) {
      float[] row = fallback.clone();
      int[] set =
          Arrays.stream(histories[b]).map(i -> local[i]).filter(i -> i >= 0).distinct().toArray();
      for (int j = 0; j < numItems; j++) {
        int lj = local[j];
        if (lj < 0) {
          continue;
        }
        float s = 0;
        for (int a : set) {
          s += weights[a][lj];
        }
        row[j] = s;
      }
      out[b] = row;
    }
    return out;
  }
}
