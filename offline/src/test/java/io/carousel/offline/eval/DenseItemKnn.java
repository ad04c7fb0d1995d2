package io.carousel.offline.eval;

import java.util.Arrays;
import java.util.List;

/**
 * Test reference: the former dense item-knn ({@code float[numItems][numItems]} co-occurrence
 * cosine), optionally truncated to each item's top {@code m} neighbours by weight (ties: lower
 * index), against which the sparse {@link ItemKnn} is checked. The cosine is computed as {@link
 * io.carousel.engine.wide.CoVisitation} does (double division, rounded once to float) so that the
 * neighbour order at a tie is the same.
 */
public final class DenseItemKnn implements Recommender {
  private final int m;
  private float[][] similarity = new float[0][];
  private int numItems;

  /** Keeps every neighbour when {@code m >= numItems}. */
  public DenseItemKnn(int m) {
    this.m = m;
  }

  @Override
  public String name() {
    return "dense-item-knn";
  }

  @Override
  public void fit(List<int[]> sequences, int numItems) {
    this.numItems = numItems;
    int[][] co = new int[numItems][numItems];
    int[] users = new int[numItems];
    for (int[] s : sequences) {
      int[] set = Arrays.stream(s).distinct().toArray();
      for (int a : set) {
        users[a]++;
        for (int b : set) {
          co[a][b]++;
        }
      }
    }
    similarity = new float[numItems][numItems];
    for (int a = 0; a < numItems; a++) {
      Integer[] order = new Integer[numItems];
      float[] row = similarity[a];
      for (int b = 0; b < numItems; b++) {
        order[b] = b;
        if (b != a && co[a][b] > 0) {
          row[b] = (float) (co[a][b] / Math.sqrt((double) users[a] * users[b]));
        }
      }
      Arrays.sort(order, (x, y) -> row[x] != row[y] ? Float.compare(row[y], row[x]) : x - y);
      for (int k = m; k < numItems; k++) {
        row[order[k]] = 0;
      }
    }
  }

  @Override
  public float[][] score(int[] users, int[][] histories) {
    float[][] out = new float[users.length][];
    for (int b = 0; b < users.length; b++) {
      float[] row = new float[numItems];
      for (int i : Arrays.stream(histories[b]).distinct().toArray()) {
        float[] sim = similarity[i];
        for (int j = 0; j < numItems; j++) {
          row[j] += sim[j];
        }
      }
      out[b] = row;
    }
    return out;
  }
}
