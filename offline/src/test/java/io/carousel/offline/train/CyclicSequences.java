package io.carousel.offline.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A deterministic toy interaction log: item {@code i} is followed by {@code (i + 1) mod numItems}
 * with probability 0.9, else by a uniformly random item.
 */
public final class CyclicSequences {
  public static final int NUM_ITEMS = 60;
  public static final int TEXT_DIM = 16;

  private CyclicSequences() {}

  /** Returns {@code users} sequences of {@code length} items, seeded by {@code seed}. */
  public static List<int[]> sequences(int users, int length, long seed) {
    Random rng = new Random(seed);
    List<int[]> out = new ArrayList<>(users);
    for (int u = 0; u < users; u++) {
      int[] seq = new int[length];
      seq[0] = rng.nextInt(NUM_ITEMS);
      for (int t = 1; t < length; t++) {
        seq[t] = rng.nextDouble() < 0.9 ? (seq[t - 1] + 1) % NUM_ITEMS : rng.nextInt(NUM_ITEMS);
      }
      out.add(seq);
    }
    return out;
  }

  /** Returns unit-length random text vectors {@code float[NUM_ITEMS][TEXT_DIM]}. */
  public static float[][] textVectors(long seed) {
    Random rng = new Random(seed);
    float[][] t = new float[NUM_ITEMS][TEXT_DIM];
    for (float[] row : t) {
      double norm = 0;
      for (int j = 0; j < TEXT_DIM; j++) {
        row[j] = (float) rng.nextGaussian();
        norm += row[j] * row[j];
      }
      for (int j = 0; j < TEXT_DIM; j++) {
        row[j] /= (float) Math.sqrt(norm);
      }
    }
    return t;
  }

  /** Returns a small fast config: dim 32, history 10, batch 64, learning rate 0.01. */
  public static TwoTowerConfig config(int epochs) {
    return new TwoTowerConfig(32, 10, epochs, 64, 0.01, 7L, true);
  }
}
