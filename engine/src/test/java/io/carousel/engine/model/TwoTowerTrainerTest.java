package io.carousel.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TwoTowerTrainerTest {
  @TempDir Path tmp;

  @Test
  void lowersLossAndRanksTheNextItemInTopFive() {
    List<int[]> seqs = CyclicSequences.sequences(200, 20, 1L);
    float[][] text = CyclicSequences.textVectors(2L);
    Path dir = tmp.resolve("model");
    int[] batches = new int[1];
    TwoTowerTrainer.TrainingReport report =
        TwoTowerTrainer.trainAndExport(
            text, seqs, CyclicSequences.config(5), dir, b -> batches[0] = b);
    System.out.println(report);
    assertEquals(5 * TwoTowerTrainer.batchesPerEpoch(seqs, CyclicSequences.config(5)), batches[0]);
    try (TwoTowerScorer scorer = TwoTowerScorer.load(dir)) {
      List<int[]> probes = CyclicSequences.sequences(100, 6, 3L);
      int hits = 0;
      int total = 0;
      long t0 = System.nanoTime();
      int[][] histories = new int[probes.size()][];
      for (int i = 0; i < probes.size(); i++) {
        histories[i] = java.util.Arrays.copyOf(probes.get(i), 5);
      }
      float[][] scores = scorer.score(histories);
      System.out.println("score ms " + (System.nanoTime() - t0) / 1e6);
      for (int i = 0; i < histories.length; i++) {
        int next = (histories[i][4] + 1) % CyclicSequences.NUM_ITEMS;
        int[] top = TopN.select(scores[i], 5, null).items();
        total++;
        for (int item : top) {
          if (item == next) {
            hits++;
          }
        }
      }
      System.out.println("HR@5 " + hits / (double) total);
      assertTrue(hits / (double) total > 0.8);
    }
  }
}
