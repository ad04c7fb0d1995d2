package io.carousel.engine.retrieval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * The inverted file against the exact scan: probing every list it is exact (items, order, ties and
 * scores bit for bit, excludes and captured scores included); probing fewer it returns only true
 * scores of real items, and on clustered vectors finds most of the exact top-k. Recall on a trained
 * model's vectors is measured, not asserted here (docs/scoring.md, "IVF").
 */
class IvfTopKTest {
  private static float[][] clustered(int n, int dim, int centres, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[][] c = new float[centres][dim];
    for (float[] v : c) {
      for (int d = 0; d < dim; d++) {
        v[d] = (float) r.nextGaussian();
      }
    }
    float[][] out = new float[n][dim];
    for (int i = 0; i < n; i++) {
      float[] centre = c[r.nextInt(centres)];
      double norm = 0;
      for (int d = 0; d < dim; d++) {
        out[i][d] = centre[d] + 0.4f * (float) r.nextGaussian();
        norm += out[i][d] * out[i][d];
      }
      for (int d = 0; d < dim; d++) {
        out[i][d] /= (float) Math.sqrt(norm);
      }
    }
    return out;
  }

  @Test
  void probingEveryListIsTheExactScan() {
    float[][] items = clustered(3000, 16, 12, 1);
    // exact ties: item 2999 repeats item 5, so the lower index must win wherever they tie
    items[2999] = items[5].clone();
    ExactTopK exact = ExactTopK.of(items, ExactTopK.DEFAULT_CHUNK);
    IvfTopK ivf = IvfTopK.build(items, 40, 40, 7);
    assertEquals(40, ivf.lists());
    float[][] queries = clustered(9, 16, 12, 2);
    queries[8] = items[5].clone();
    int[] k = {10, 1, 0, 50, 10, 10, 3, 10, 2};
    IntPredicate[] exclude = new IntPredicate[9];
    exclude[1] = i -> i % 2 == 0;
    exclude[4] = i -> i < 1500;
    int[][] capture = new int[9][];
    float[][] capturedExact = new float[9][];
    float[][] capturedIvf = new float[9][];
    for (int q = 0; q < 9; q++) {
      capture[q] = new int[] {q, 2999 - q, 17, 17};
      capturedExact[q] = new float[4];
      capturedIvf[q] = new float[4];
    }
    TopN[] want = exact.search(queries, k, exclude, 3.5f, capture, capturedExact);
    TopN[] got = ivf.search(queries, k, exclude, 3.5f, capture, capturedIvf);
    for (int q = 0; q < 9; q++) {
      assertArrayEquals(want[q].items(), got[q].items(), "query " + q);
      assertArrayEquals(want[q].scores(), got[q].scores(), 0f, "query " + q);
      assertArrayEquals(capturedExact[q], capturedIvf[q], 0f, "captured of query " + q);
    }
    assertArrayEquals(new int[] {5, 2999}, got[8].items());
    assertArrayEquals(exact.scoreAll(queries[3], 3.5f), ivf.scoreAll(queries[3], 3.5f), 0f);
    for (int i = 0; i < items.length; i += 97) {
      assertArrayEquals(items[i], ivf.row(i), 0f, "row " + i);
    }
  }

  @Test
  void probingFewListsReturnsTrueScoresAndFindsMostOfTheTopK() {
    float[][] items = clustered(20000, 32, 40, 3);
    ExactTopK exact = ExactTopK.of(items, ExactTopK.DEFAULT_CHUNK);
    IvfTopK ivf = IvfTopK.build(items, IvfTopK.defaultLists(items.length), 16, 11);
    float[][] queries = clustered(200, 32, 40, 4);
    int[] k = new int[200];
    java.util.Arrays.fill(k, 10);
    TopN[] want = exact.search(queries, k, null, 1f);
    TopN[] got = ivf.search(queries, k, null, 1f);
    int found = 0;
    for (int q = 0; q < 200; q++) {
      float[] all = exact.scoreAll(queries[q], 1f);
      for (int j = 0; j < got[q].items().length; j++) {
        assertEquals(all[got[q].items()[j]], got[q].scores()[j], 0f, "a true score");
      }
      java.util.Set<Integer> truth = new java.util.HashSet<>();
      for (int item : want[q].items()) {
        truth.add(item);
      }
      for (int item : got[q].items()) {
        found += truth.contains(item) ? 1 : 0;
      }
    }
    double recall = found / 2000.0;
    // 141 lists, 16 probed (~11 % of the items scanned) on 40 clusters
    assertTrue(recall > 0.9, "recall@10 " + recall);
    assertTrue(ivf.matrixBytes() < 1.15 * exact.matrixBytes(), ivf.matrixBytes() + " bytes");
  }

  @Test
  void badSizesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> IvfTopK.build(new float[0][], 4, 1, 1));
    float[][] one = {{1f, 0f}};
    assertThrows(IllegalArgumentException.class, () -> IvfTopK.build(one, 0, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> IvfTopK.build(one, 1, 0, 1));
    IvfTopK single = IvfTopK.build(one, 8, 8, 1);
    assertEquals(1, single.lists());
    assertArrayEquals(new int[] {0}, single.search(one, new int[] {5}, null, 1f)[0].items());
  }
}
