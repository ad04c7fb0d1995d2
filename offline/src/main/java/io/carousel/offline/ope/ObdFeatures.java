package io.carousel.offline.ope;

import io.carousel.offline.data.OpenBanditReader.ItemContext;
import io.carousel.offline.data.OpenBanditReader.Round;
import java.util.List;

/**
 * The bandit context x(user, item) of {@link #DIM} = 16 features for an Open Bandit Dataset row,
 * built from the row's user features and the campaign's item features only:
 *
 * <pre>
 *  0      1 (bias)
 *  1      log(1 + user–item affinity of this item)
 *  2      item_feature_0 (numeric, as shipped)
 *  3      item popularity on the training rows: smoothed CTR / mean CTR − 1, with
 *         {@link #POPULARITY_SMOOTHING} pseudo-impressions at the mean (0 for an unseen item)
 *  4..9   one-hot of hash(item_feature_1) mod 6 (item category bucket)
 * 10..15  user × item crosses: for each of the 4 hashed user features u_j, +0.5 at bucket
 *         hash(u_j + "|" + item_feature_1) mod 6 (hashing trick; Weinberger et al. 2009,
 *         "Feature Hashing for Large Scale Multitask Learning", §2)
 * </pre>
 *
 * <p>Hashes are {@link String#hashCode}, which the JDK specifies, so contexts are identical on
 * every JVM. Only the cross block and the affinity vary with the user, so they carry
 * personalisation. Immutable and thread-safe.
 */
public final class ObdFeatures {
  /** Context dimension k. */
  public static final int DIM = 16;

  /** Pseudo-impressions at the mean CTR in the popularity feature. */
  public static final double POPULARITY_SMOOTHING = 200;

  private static final int BUCKETS = 6;
  private static final int CATEGORY = 4;
  private static final int CROSS = 10;

  private final List<ItemContext> items;
  private final float[] popularity;

  /**
   * Fixes the item part of the map from {@code items} and the popularity from {@code train} (the
   * training rows only, never the evaluation rows).
   */
  public ObdFeatures(List<ItemContext> items, List<Round> train) {
    this.items = List.copyOf(items);
    int n = items.size();
    double[] shown = new double[n];
    double[] clicks = new double[n];
    double total = 0;
    for (Round r : train) {
      shown[r.itemId()]++;
      clicks[r.itemId()] += r.click();
      total += r.click();
    }
    double mean = train.isEmpty() ? 0 : total / train.size();
    popularity = new float[n];
    for (int i = 0; i < n; i++) {
      if (mean > 0) {
        double smoothed =
            (clicks[i] + POPULARITY_SMOOTHING * mean) / (shown[i] + POPULARITY_SMOOTHING);
        popularity[i] = (float) (smoothed / mean - 1);
      }
    }
  }

  /** Returns the number of items (candidates per row). */
  public int nItems() {
    return items.size();
  }

  /** Returns the contexts of every item for row {@code r}'s user, {@code float[nItems][16]}. */
  public float[][] candidates(Round r) {
    float[][] x = new float[items.size()][DIM];
    for (int i = 0; i < x.length; i++) {
      ItemContext item = items.get(i);
      float[] row = x[i];
      row[0] = 1f;
      row[1] = (float) Math.log1p(Math.max(0f, r.affinity()[i]));
      row[2] = (float) item.feature0();
      row[3] = popularity[i];
      String category = item.categorical()[0];
      row[CATEGORY + Math.floorMod(category.hashCode(), BUCKETS)] = 1f;
      for (String u : r.userFeatures()) {
        row[CROSS + Math.floorMod((u + "|" + category).hashCode(), BUCKETS)] += 0.5f;
      }
    }
    return x;
  }

  /**
   * Returns a key equal for two rows exactly when their contexts are equal (user features and
   * non-zero affinities), so per-context work can be cached.
   */
  public static String contextKey(Round r) {
    StringBuilder key = new StringBuilder(160);
    for (String u : r.userFeatures()) {
      key.append(u).append('|');
    }
    float[] a = r.affinity();
    for (int i = 0; i < a.length; i++) {
      if (a[i] != 0f) {
        key.append(i).append('=').append(a[i]).append(';');
      }
    }
    return key.toString();
  }
}
