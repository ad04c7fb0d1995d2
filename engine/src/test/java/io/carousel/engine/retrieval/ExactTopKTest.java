package io.carousel.engine.retrieval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

class ExactTopKTest {
  private static float[][] random(int rows, int dim, long seed) {
    Random rnd = new Random(seed);
    float[][] m = new float[rows][dim];
    for (float[] row : m) {
      for (int j = 0; j < dim; j++) {
        row[j] = (float) rnd.nextGaussian();
      }
    }
    return m;
  }

  private static float[] fullRow(float[][] items, float[] q, float scale) {
    float[] row = new float[items.length];
    for (int i = 0; i < items.length; i++) {
      float a0 = 0;
      float a1 = 0;
      float a2 = 0;
      float a3 = 0;
      int j = 0;
      for (; j + 3 < q.length; j += 4) {
        a0 += q[j] * items[i][j];
        a1 += q[j + 1] * items[i][j + 1];
        a2 += q[j + 2] * items[i][j + 2];
        a3 += q[j + 3] * items[i][j + 3];
      }
      for (; j < q.length; j++) {
        a0 += q[j] * items[i][j];
      }
      row[i] = ((a0 + a1) + (a2 + a3)) * scale;
    }
    return row;
  }

  @Test
  void matchesFullRowSelectionForEveryChunkSize() {
    float[][] items = random(1000, 13, 1L);
    float[][] queries = random(9, 13, 2L);
    int[] k = {0, 1, 5, 10, 50, 999, 1000, 1200, 7};
    IntPredicate[] exclude = new IntPredicate[9];
    exclude[3] = i -> i % 3 == 0;
    exclude[6] = i -> i < 500;
    for (int chunk : new int[] {1, 7, 256, 1000, 4096}) {
      ExactTopK index = new ExactTopK(ExactTopK.flatten(items), 13, chunk);
      TopN[] got = index.search(queries, k, exclude, 2.5f);
      for (int q = 0; q < queries.length; q++) {
        TopN expected = TopN.select(fullRow(items, queries[q], 2.5f), k[q], exclude[q]);
        assertArrayEquals(expected.items(), got[q].items(), "chunk " + chunk + " query " + q);
        assertArrayEquals(expected.scores(), got[q].scores(), 1e-5f);
      }
    }
  }

  @Test
  void breaksTiesByLowerIndexAndSkipsNaN() {
    float[][] items = {{1}, {2}, {2}, {Float.NaN}, {2}, {0}};
    ExactTopK index = new ExactTopK(ExactTopK.flatten(items), 1, 2);
    TopN top = index.search(new float[][] {{1}}, new int[] {3}, null, 1f)[0];
    assertArrayEquals(new int[] {1, 2, 4}, top.items());
    TopN all = index.search(new float[][] {{1}}, new int[] {10}, null, 1f)[0];
    assertArrayEquals(new int[] {1, 2, 4, 0, 5}, all.items());
    assertArrayEquals(new float[] {2, 2, 2, 1, 0}, all.scores());
  }

  @Test
  void rowsComeBackFromTheBlockedMatrixAndScoresAndCapturesMatchTheSearchBitForBit() {
    // 1,000 items: three full blocks of 256 and a partial one.
    float[][] items = random(1000, 13, 5L);
    ExactTopK index = ExactTopK.of(items, ExactTopK.DEFAULT_CHUNK);
    for (int i : new int[] {0, 255, 256, 511, 999}) {
      assertArrayEquals(items[i], index.row(i), 0f, "row " + i);
    }
    assertThrows(IndexOutOfBoundsException.class, () -> index.row(1000));
    float[][] queries = random(6, 13, 6L);
    int[] k = {5, 5, 5, 5, 5, 50};
    // Any order, a repeat, both ends: each captured score is that query's scoreAll entry.
    int[][] capture = {{999, 3, 3, 0}, null, {}, {512, 511}, {7}, {1, 998, 300}};
    float[][] captured = new float[6][5];
    TopN[] found = index.search(queries, k, null, 2.5f, capture, captured);
    for (int q = 0; q < queries.length; q++) {
      float[] all = index.scoreAll(queries[q], 2.5f);
      for (int p = 0; capture[q] != null && p < capture[q].length; p++) {
        assertEquals(all[capture[q][p]], captured[q][p], 0f, "query " + q + " item " + p);
      }
      for (int r = 0; r < found[q].items().length; r++) {
        assertEquals(all[found[q].items()[r]], found[q].scores()[r], 0f);
      }
      assertArrayEquals(TopN.select(all, k[q], null).items(), found[q].items());
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> index.search(queries, k, null, 1f, new int[][] {{1000}}, new float[1][1]));
  }

  @Test
  void rejectsMismatchedShapes() {
    ExactTopK index = new ExactTopK(new float[8], 4, 16);
    assertEquals(2, index.numItems());
    assertThrows(
        IllegalArgumentException.class,
        () -> index.search(new float[][] {{1, 2, 3}}, new int[] {1}, null, 1f));
    assertThrows(
        IllegalArgumentException.class,
        () -> index.search(new float[][] {{1, 2, 3, 4}}, new int[] {-1}, null, 1f));
    assertThrows(
        IllegalArgumentException.class,
        () -> index.search(new float[][] {{1, 2, 3, 4}}, new int[] {1}, null, 0f));
    assertThrows(IllegalArgumentException.class, () -> new ExactTopK(new float[7], 4, 16));
  }
}
