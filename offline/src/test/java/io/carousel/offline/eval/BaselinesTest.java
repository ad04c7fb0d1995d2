package io.carousel.offline.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BaselinesTest {
  private static final List<int[]> SEQS =
      List.of(new int[] {0, 1, 2}, new int[] {0, 1}, new int[] {1, 2, 3}, new int[] {3, 0});

  @Test
  void invertsASymmetricPositiveDefiniteMatrix() {
    Random rng = new Random(3);
    int n = 12;
    double[][] x = new double[n][n];
    for (double[] row : x) {
      for (int j = 0; j < n; j++) {
        row[j] = rng.nextGaussian();
      }
    }
    double[][] a = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        for (int k = 0; k < n; k++) {
          a[i][j] += x[k][i] * x[k][j];
        }
      }
      a[i][i] += 1;
    }
    double[][] inv = new double[n][];
    for (int i = 0; i < n; i++) {
      inv[i] = a[i].clone();
    }
    Ease.invertInPlace(inv);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int k = 0; k < n; k++) {
          s += a[i][k] * inv[k][j];
        }
        assertEquals(i == j ? 1 : 0, s, 1e-9);
      }
    }
  }

  @Test
  void itemKnnScoresCooccurrenceCosine() {
    ItemKnn knn = new ItemKnn(4);
    knn.fit(SEQS, 4);
    float[] s = knn.score(new int[] {0}, new int[][] {{0}})[0];
    // Item 0 in users {0,1,3}; item 1 in {0,1,2}: 2 shared / sqrt(3*3).
    assertEquals(2 / 3.0, s[1], 1e-6);
    assertEquals(1 / Math.sqrt(3 * 2), s[2], 1e-6);
    assertEquals(0, s[0], 0, "no self-similarity");
  }

  @Test
  void markovFollowsTheLastItemAndFallsBackToPopularity() {
    Markov markov = new Markov();
    markov.fit(SEQS, 4);
    float[] afterOne = markov.score(new int[] {0}, new int[][] {{3, 1}})[0];
    assertEquals(2 + 2 / 4f, afterOne[2], 1e-6, "two 1->2 transitions plus popularity 2 / (3 + 1)");
    float[] cold = markov.score(new int[] {0}, new int[][] {{}})[0];
    assertEquals(3 / 4f, cold[0], 1e-6, "popularity of item 0 (3) over max + 1 (4)");
  }

  @Test
  void easeGivesZeroSelfWeightAndPrefersCooccurringItems() {
    Ease ease = new Ease(1.0, 3);
    ease.fit(SEQS, 4);
    float[] s = ease.score(new int[] {0}, new int[][] {{0}})[0];
    assertTrue(s[1] > s[2], "1 co-occurs with 0 twice, 2 once");
    assertTrue(s[2] < -1e5 || s[3] < -1e5, "the item outside the 3-item cap scores below all");
  }

  @Test
  void bprIsDeterministicUnderItsSeed() {
    BprMf a = new BprMf(8, 5, 0.05, 0.01, 9L);
    BprMf b = new BprMf(8, 5, 0.05, 0.01, 9L);
    a.fit(SEQS, 4);
    b.fit(SEQS, 4);
    assertArrayEquals(
        a.score(new int[] {2}, new int[][] {{}})[0], b.score(new int[] {2}, new int[][] {{}})[0]);
  }

  @Test
  void randomScoresAreTheNextFloatStreamOfJavaUtilRandom() {
    RandomScores r = new RandomScores(42L);
    r.fit(SEQS, 7);
    java.util.Random reference = new java.util.Random(42L);
    for (float[] row : r.score(new int[3], new int[3][])) {
      for (float v : row) {
        assertEquals(reference.nextFloat(), v, 0f);
      }
    }
    assertEquals(reference.nextFloat(), r.score(new int[1], new int[1][])[0][0], 0f);
  }
}
