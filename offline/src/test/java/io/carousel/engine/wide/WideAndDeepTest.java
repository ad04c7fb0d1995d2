package io.carousel.engine.wide;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.engine.retrieval.TopN;
import java.util.List;
import java.util.Random;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

class WideAndDeepTest {
  private static float[][] unitRows(int rows, int dim, Random rng) {
    float[][] m = new float[rows][dim];
    for (float[] row : m) {
      double norm = 0;
      for (int j = 0; j < dim; j++) {
        row[j] = (float) rng.nextGaussian();
        norm += row[j] * row[j];
      }
      for (int j = 0; j < dim; j++) {
        row[j] /= (float) Math.sqrt(norm);
      }
    }
    return m;
  }

  @Test
  void unionOfTowerTopKAndWideItemsEqualsBruteForceTopK() {
    Random rng = new Random(17L);
    int numItems = 500;
    float[][] items = unitRows(numItems, 16, rng);
    CoVisitation cv =
        CoVisitation.build(CoVisitationTest.randomSequences(400, numItems, 2L), numItems, 30);
    assertTrue(checkUnionAgainstBruteForce(items, cv, rng) > 50, "the wide term changes top-k");
  }

  @Test
  void unionStaysExactWithColdItemsThatTakeTheirNeighboursWideTerm() {
    Random rng = new Random(23L);
    int numItems = 500;
    float[][] items = unitRows(numItems, 16, rng);
    // Items 400..499 (and the rarest below) occur in no sequence: cold, with a transferred term.
    List<int[]> sequences = new java.util.ArrayList<>();
    for (int[] s : CoVisitationTest.randomSequences(400, numItems, 3L)) {
      sequences.add(java.util.Arrays.stream(s).filter(i -> i < 400).toArray());
    }
    CoVisitation cv = CoVisitation.build(sequences, numItems, 30);
    WideAndDeep probe = new WideAndDeep(items, 12.5f, cv, WideWeights.NONE);
    int cold = probe.coldTransfer().coldItems();
    assertTrue(cold >= 100, "cold items " + cold);
    assertTrue(probe.coldTransfer().entries() > cold * ColdTransfer.DEFAULT_NEIGHBOURS * 9 / 10);
    assertTrue(checkUnionAgainstBruteForce(items, cv, rng) > 50, "the wide term changes top-k");
    float[] row =
        probe.withWeights(WideWeights.of(2, 2, "test"))
            .scoreAll(new float[][] {new float[16]}, new int[][] {{1, 2, 3}})[0];
    long coldWithTerm = java.util.stream.IntStream.range(400, 500).filter(j -> row[j] > 0).count();
    assertTrue(coldWithTerm > 10, "cold items with a transferred term: " + coldWithTerm);
  }

  /**
   * Checks topN against brute force for five weight pairs; returns top-k entries the wide changed.
   */
  private static int checkUnionAgainstBruteForce(float[][] items, CoVisitation cv, Random rng) {
    int numItems = items.length;
    int dim = items[0].length;
    int checked = 0;
    int wideInTop = 0;
    for (float[] w : new float[][] {{0, 0}, {1, 0}, {0, 4}, {2, 2}, {8, 8}}) {
      WideAndDeep model = new WideAndDeep(items, 12.5f, cv, WideWeights.of(w[0], w[1], "test"));
      int b = 24;
      float[][] sessions = unitRows(b, dim, rng);
      int[][] histories = new int[b][];
      int[] k = new int[b];
      IntPredicate[] exclude = new IntPredicate[b];
      for (int q = 0; q < b; q++) {
        histories[q] = new int[rng.nextInt(6)];
        for (int t = 0; t < histories[q].length; t++) {
          histories[q][t] = rng.nextInt(numItems / 3);
        }
        k[q] = 1 + rng.nextInt(40);
        int[] h = histories[q];
        exclude[q] = q % 2 == 0 ? null : i -> java.util.Arrays.stream(h).anyMatch(x -> x == i);
      }
      float[][] full = model.scoreAll(sessions, histories);
      TopN[] fast = model.topN(sessions, histories, k, exclude);
      for (int q = 0; q < b; q++) {
        TopN brute = TopN.select(full[q], k[q], exclude[q]);
        assertArrayEquals(brute.items(), fast[q].items(), "weights " + w[0] + "," + w[1]);
        assertArrayEquals(brute.scores(), fast[q].scores(), 0f);
        float[] tower = model.towerLogits(sessions[q]);
        for (int i : brute.items()) {
          wideInTop += full[q][i] != tower[i] ? 1 : 0;
        }
        checked++;
      }
    }
    assertEquals(120, checked);
    return wideInTop;
  }

  @Test
  void theItemMatrixIsHeldOnceInTheBlockedIndexNotThroughTheCallersRows() {
    Random rng = new Random(41L);
    int numItems = 500;
    float[][] items = unitRows(numItems, 16, rng);
    CoVisitation cv =
        CoVisitation.build(CoVisitationTest.randomSequences(400, numItems, 5L), numItems, 30);
    WideAndDeep model = new WideAndDeep(items, 12.5f, cv, WideWeights.of(2, 2, "test"));
    float[][] sessions = unitRows(4, 16, rng);
    int[][] histories = {{1, 2, 3}, {7}, {}, {40, 41, 42, 43}};
    int[] k = {10, 10, 10, 10};
    TopN[] before = model.topN(sessions, histories, k, null);
    float[] rowBefore = model.rows().row(9).clone();
    // The caller drops (here: overwrites) its rows; the model kept no reference to them (the old
    // code rescored the union through them, so its rankings changed).
    for (float[] row : items) {
      java.util.Arrays.fill(row, 0f);
    }
    TopN[] after = model.topN(sessions, histories, k, null);
    for (int q = 0; q < sessions.length; q++) {
      assertArrayEquals(before[q].items(), after[q].items());
      assertArrayEquals(before[q].scores(), after[q].scores(), 0f);
    }
    assertArrayEquals(rowBefore, model.rows().row(9), 0f);
    assertEquals(numItems, model.rows().numItems());
  }

  @Test
  void itemsPastTheCoVisitationGetNoWideTermAndTheUnionStaysExact() {
    Random rng = new Random(31L);
    int trained = 400;
    float[][] items = unitRows(trained + 300, 16, rng);
    CoVisitation cv =
        CoVisitation.build(CoVisitationTest.randomSequences(400, trained, 4L), trained, 30);
    WideAndDeep model = new WideAndDeep(items, 12.5f, cv, WideWeights.of(2, 2, "test"));
    float[][] sessions = unitRows(8, 16, rng);
    // Histories mixing trained and extension items: the extension ones add no wide term.
    int[][] histories = new int[8][];
    for (int q = 0; q < 8; q++) {
      histories[q] = new int[] {rng.nextInt(trained), trained + rng.nextInt(300), q};
    }
    float[][] full = model.scoreAll(sessions, histories);
    int[] k = new int[8];
    java.util.Arrays.fill(k, 30);
    TopN[] fast = model.topN(sessions, histories, k, null);
    int extensionInTop = 0;
    for (int q = 0; q < 8; q++) {
      float[] tower = model.towerLogits(sessions[q]);
      for (int j = trained; j < items.length; j++) {
        assertEquals(tower[j], full[q][j], 0f, "extension item " + j + " has a wide term");
      }
      TopN brute = TopN.select(full[q], k[q], null);
      assertArrayEquals(brute.items(), fast[q].items());
      assertArrayEquals(brute.scores(), fast[q].scores(), 0f);
      for (int i : fast[q].items()) {
        extensionInTop += i >= trained ? 1 : 0;
      }
      int[] trainedOnly = {histories[q][0], histories[q][2]};
      float[] same = model.scoreAll(new float[][] {sessions[q]}, new int[][] {trainedOnly})[0];
      assertArrayEquals(same, full[q], 0f);
    }
    assertTrue(extensionInTop > 0, "extension items are retrieved");
  }

  @Test
  void withoutCoVisitationItIsThePureTowerRanking() {
    Random rng = new Random(5L);
    float[][] items = unitRows(100, 8, rng);
    WideAndDeep model = new WideAndDeep(items, 3f, null, WideWeights.of(4, 4, "ignored"));
    assertTrue(model.weights().isNone());
    float[][] sessions = unitRows(3, 8, rng);
    int[][] histories = {{1, 2}, {}, {5}};
    float[][] full = model.scoreAll(sessions, histories);
    TopN[] fast = model.topN(sessions, histories, new int[] {5, 5, 5}, null);
    for (int q = 0; q < 3; q++) {
      assertArrayEquals(TopN.select(full[q], 5, null).items(), fast[q].items());
      assertArrayEquals(model.towerLogits(sessions[q]), full[q]);
    }
  }

  @Test
  void wideTermAddsWeightedCosineSumAndTransition() {
    float[][] items = {{1, 0}, {0, 1}, {1, 0}};
    CoVisitation cv = CoVisitation.build(List.of(new int[] {0, 1}, new int[] {0, 1, 2}), 3, 5);
    WideAndDeep model = new WideAndDeep(items, 2f, cv, WideWeights.of(1, 10, "test"));
    float[] row = model.scoreAll(new float[][] {{1, 0}}, new int[][] {{0}})[0];
    // Item 1: tower 0, cos(0, 1) = 2 / sqrt(2 · 2) = 1, P(1 | 0) = 1.
    assertEquals(0 + 1 + 10, row[1], 1e-6);
    // Item 2: tower 2, cos(0, 2) = 1 / sqrt(2 · 1), no transition from 0.
    assertEquals(2 + (float) (1 / Math.sqrt(2)), row[2], 1e-6);
  }

  @Test
  void unionRanksEqualScoresToTheLowerItemAndNegativeScoresAfterZero() {
    // Items 0 and 2 are the same vector with the same wide term from history {1}; items 3 and 4
    // have tower logit 0 and no wide term; item 5 a negative one.
    float[][] items = {{1, 0}, {0, 1}, {1, 0}, {0, 1}, {0, 1}, {-1, 0}};
    CoVisitation cv =
        CoVisitation.build(
            List.of(new int[] {1, 0}, new int[] {1, 2}, new int[] {3, 5}), items.length, 5);
    WideAndDeep model = new WideAndDeep(items, 2f, cv, WideWeights.of(1, 0, "test"));
    float[][] sessions = {{1, 0}};
    int[][] histories = {{1}};
    float[] full = model.scoreAll(sessions, histories)[0];
    for (int k = 0; k <= items.length; k++) {
      TopN want = TopN.select(full, k, null);
      TopN got = model.topN(sessions, histories, new int[] {k}, null)[0];
      assertArrayEquals(want.items(), got.items(), "k " + k);
      assertArrayEquals(want.scores(), got.scores(), "k " + k);
    }
    assertArrayEquals(
        new int[] {0, 2, 1, 3, 4, 5},
        model.topN(sessions, histories, new int[] {6}, null)[0].items());
  }
}
