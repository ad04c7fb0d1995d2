package io.carousel.engine.eval;

import java.util.Arrays;
import java.util.List;

/**
 * Item-based k-nearest-neighbour baseline with co-occurrence cosine similarity over all neighbours:
 * {@code sim(i, j) = |U_i ∩ U_j| / sqrt(|U_i| |U_j|)} and {@code score(j) = Σ_{i ∈ history} sim(i,
 * j)} (Sarwar et al., "Item-Based Collaborative Filtering Recommendation Algorithms", WWW 2001,
 * §3.1.2; Deshpande and Karypis, TOIS 2004). Memory {@code float[numItems][numItems]}.
 */
public final class ItemKnn implements Recommender {
  private float[][] similarity = new float[0][];
  private int numItems;

  @Override
  public String name() {
    return "item-knn";
  }

  @Override
  public void fit(List<int[]> sequences, int numItems) {
    this.numItems = numItems;
    float[][] co = new float[numItems][numItems];
    float[] users = new float[numItems];
    for (int[] s : sequences) {
      int[] set = Arrays.stream(s).distinct().toArray();
      for (int a : set) {
        users[a]++;
        float[] row = co[a];
        for (int b : set) {
          row[b]++;
        }
      }
    }
    for (int a = 0; a < numItems; a++) {
      co[a][a] = 0;
      for (int b = 0; b < numItems; b++) {
        if (co[a][b] > 0) {
          co[a][b] /= (float) Math.sqrt((double) users[a] * users[b]);
        }
      }
    }
    similarity = co;
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
