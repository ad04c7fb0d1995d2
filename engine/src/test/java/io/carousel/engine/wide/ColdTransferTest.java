package io.carousel.engine.wide;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ColdTransferTest {
  /**
   * Five items in 2-d. Warm 0 = (1, 0), 1 = (0, 1), 2 = (-1, 0) (co-visited by the sequences {0, 1}
   * and {1, 2}); cold 3 = (0.6, 0.8) and 4 = (0, 0) (in no sequence).
   */
  private static final float[][] ITEMS = {{1, 0}, {0, 1}, {-1, 0}, {0.6f, 0.8f}, {0, 0}};

  private static final List<int[]> SEQUENCES = List.of(new int[] {0, 1}, new int[] {1, 2});

  @Test
  void coldItemGetsTheSimilarityWeightedAverageOfItsWarmNeighboursWideTerms() {
    CoVisitation cv = CoVisitation.build(SEQUENCES, 5, 10);
    // T = 2: item 3's nearest warm items are 1 (cos 0.8) and 0 (cos 0.6); item 2 (cos -0.6) is
    // third. α(3, 1) = 0.8 / 1.4 = 4/7, α(3, 0) = 0.6 / 1.4 = 3/7. Item 4 has all cosines 0.
    ColdTransfer t = ColdTransfer.build(ITEMS, cv, 2, Long.MAX_VALUE);
    assertEquals(1, t.coldItems());
    assertEquals(2, t.entries());
    assertEquals(4f / 7, t.alpha(3, 1), 1e-6);
    assertEquals(3f / 7, t.alpha(3, 0), 1e-6);
    assertEquals(0f, t.alpha(3, 2));

    // History {0}, wKnn 1, wNext 2. cos(0, 1) = 1 / sqrt(1 · 2) = 0.7071, P(1 | 0) = 1, so
    // wide(1) = 0.7071 + 2 = 2.7071 and wide(0) = wide(2) = 0. wide(3) = 4/7 · 2.7071 = 1.5469.
    WideAndDeep model = new WideAndDeep(ITEMS, 1f, cv, WideWeights.of(1, 2, "test"), 2);
    float[] row = model.scoreAll(new float[][] {{0, 0}}, new int[][] {{0}})[0];
    float wide1 = (float) (1 / Math.sqrt(2)) + 2;
    assertArrayEquals(new float[] {0, wide1, 0, 4f / 7 * wide1, 0}, row, 1e-5f);

    // History {1}: wide(0) = cos(1, 0) = 0.7071, wide(2) = cos(1, 2) + 2 · P(2 | 1) = 0.7071 + 2
    // (item 1 is followed by 2 only), wide(1) = 0, so wide(3) = 3/7 · 0.7071.
    float[] row1 = model.scoreAll(new float[][] {{0, 0}}, new int[][] {{1}})[0];
    float cos = (float) (1 / Math.sqrt(2));
    assertArrayEquals(new float[] {cos, 0, cos + 2, 3f / 7 * cos, 0}, row1, 1e-5f);
  }

  @Test
  void tEqualToOneCopiesTheNearestWarmItemsTerm() {
    CoVisitation cv = CoVisitation.build(SEQUENCES, 5, 10);
    WideAndDeep model = new WideAndDeep(ITEMS, 1f, cv, WideWeights.of(1, 2, "test"), 1);
    assertEquals(1f, model.coldTransfer().alpha(3, 1));
    float[] row = model.scoreAll(new float[][] {{0, 0}}, new int[][] {{0}})[0];
    assertEquals(row[1], row[3]);
  }

  @Test
  void zeroNeighboursGivesNoTransfer() {
    CoVisitation cv = CoVisitation.build(SEQUENCES, 5, 10);
    WideAndDeep off = new WideAndDeep(ITEMS, 1f, cv, WideWeights.of(1, 2, "test"), 0);
    assertEquals(0, off.coldTransfer().entries());
    assertEquals(0f, off.scoreAll(new float[][] {{0, 0}}, new int[][] {{0}})[0][3]);
    assertThrows(
        IllegalArgumentException.class, () -> new WideAndDeep(ITEMS, 1f, cv, WideWeights.NONE, -1));
  }

  @Test
  void pastTheWorkBudgetOnlyTheBusiestWarmItemsAreSearched() {
    // Warm 0 = (1, 0) co-visited with 1 and 3 (4 neighbours), 1 = (0, 1) and 3 = (-1, 0) (1
    // each); cold 2 = (0.1, 0.99), nearest to 1.
    float[][] items = {{1, 0}, {0, 1}, {0.1f, 0.99f}, {-1, 0}};
    CoVisitation cv = CoVisitation.build(List.of(new int[] {0, 1}, new int[] {0, 3}), 4, 10);
    assertEquals(4, cv.neighbourCount(0));
    assertEquals(1f, ColdTransfer.build(items, cv, 1, Long.MAX_VALUE).alpha(2, 1));
    // 1 cold x 3 warm x dim 2 = 6 > 2: W = max(T, 2 / 2) = 1, the busiest warm item, 0.
    ColdTransfer busiest = ColdTransfer.build(items, cv, 1, 2);
    assertEquals(1f, busiest.alpha(2, 0));
    assertEquals(0f, busiest.alpha(2, 1));
    assertEquals(1, busiest.entries());
  }

  @Test
  void anItemOnlyInSingletonSequencesCountsAsCold() {
    CoVisitation cv = CoVisitation.build(List.of(new int[] {0, 1}, new int[] {3}), 5, 10);
    assertEquals(false, cv.hasNeighbours(3));
    ColdTransfer t = ColdTransfer.build(ITEMS, cv, 2, Long.MAX_VALUE);
    assertEquals(4f / 7, t.alpha(3, 1), 1e-6);
  }
}
