package io.carousel.offline.eval;

import java.util.List;

/**
 * Random baseline: uniform scores, fresh for every user, exactly the {@code nextFloat()} stream of
 * a {@link java.util.Random} with the seed. The generator is {@link java.util.Random}'s documented
 * 48-bit linear congruential one inlined without its atomic update (single-threaded here), which
 * was most of this baseline's time on an 85k-item catalogue (5.7·10⁹ draws per stage).
 */
public final class RandomScores implements Recommender {
  private static final long MULTIPLIER = 0x5DEECE66DL;
  private static final long MASK = (1L << 48) - 1;
  private long state;
  private int numItems;

  /** Creates the baseline with its seed. */
  public RandomScores(long seed) {
    this.state = (seed ^ MULTIPLIER) & MASK;
  }

  @Override
  public String name() {
    return "random";
  }

  @Override
  public void fit(List<int[]> sequences, int numItems) {
    this.numItems = numItems;
  }

  @Override
  public float[][] score(int[] users, int[][] histories) {
    float[][] out = new float[users.length][numItems];
    long s = state;
    for (float[] row : out) {
      for (int i = 0; i < numItems; i++) {
        s = (s * MULTIPLIER + 0xBL) & MASK;
        row[i] = (int) (s >>> 24) / (float) (1 << 24);
      }
    }
    state = s;
    return out;
  }
}
