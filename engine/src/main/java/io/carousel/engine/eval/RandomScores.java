package io.carousel.engine.eval;

import java.util.List;
import java.util.Random;

/** Random baseline: uniform scores from a seeded {@link Random}, fresh for every user. */
public final class RandomScores implements Recommender {
  private final Random rng;
  private int numItems;

  /** Creates the baseline with its seed. */
  public RandomScores(long seed) {
    this.rng = new Random(seed);
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
    for (float[] row : out) {
      for (int i = 0; i < numItems; i++) {
        row[i] = rng.nextFloat();
      }
    }
    return out;
  }
}
