package io.carousel.offline.eval;

import io.carousel.engine.wide.CoVisitation;
import java.util.List;

/**
 * Item-based k-nearest-neighbour baseline with co-occurrence cosine similarity, {@code sim(i, j) =
 * |U_i ∩ U_j| / sqrt(|U_i| |U_j|)}, each item keeping its top {@code M} neighbours, and {@code
 * score(j) = Σ_{i ∈ distinct(history)} sim(i, j)} over the kept neighbours (Sarwar et al.,
 * "Item-Based Collaborative Filtering Recommendation Algorithms", WWW 2001, §3.1.2 and §3.2.1 on
 * the model size; Deshpande and Karypis, TOIS 2004, top-k item models).
 *
 * <p>The similarities are the cosine lists of {@link CoVisitation} (what the wide term of {@code
 * carousel} uses with the same M), stored sparse: memory {@code O(events + numItems · M)}, never a
 * dense {@code numItems²} matrix (a 85k-item catalogue needed 28.8 GB that way).
 */
public final class ItemKnn implements Recommender {
  private final int neighbours;
  private CoVisitation coVisitation;
  private int numItems;

  /** Creates the model keeping {@code neighbours} (M, at least 1) neighbours per item. */
  public ItemKnn(int neighbours) {
    if (neighbours < 1) {
      throw new IllegalArgumentException("item-knn needs at least 1 neighbour: " + neighbours);
    }
    this.neighbours = neighbours;
  }

  @Override
  public String name() {
    return "item-knn";
  }

  /** Returns M, the neighbours kept per item. */
  public int neighbours() {
    return neighbours;
  }

  @Override
  public void fit(List<int[]> sequences, int numItems) {
    this.numItems = numItems;
    coVisitation = CoVisitation.build(sequences, numItems, neighbours);
  }

  @Override
  public float[][] score(int[] users, int[][] histories) {
    float[][] out = new float[users.length][];
    for (int b = 0; b < users.length; b++) {
      float[] row = new float[numItems];
      CoVisitation.Terms terms = coVisitation.terms(histories[b], 1f, 0f);
      int[] items = terms.items();
      float[] values = terms.values();
      for (int t = 0; t < items.length; t++) {
        row[items[t]] = values[t];
      }
      out[b] = row;
    }
    return out;
  }
}
