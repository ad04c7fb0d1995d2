package io.carousel.offline.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.engine.retrieval.TopN;
import io.carousel.engine.tower.TowerSignatures;
import io.carousel.engine.tower.TwoTowerScorer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

class TwoTowerTrainerTest {
  private static final List<int[]> TRAIN = CyclicSequences.sequences(200, 20, 1L);
  private static final float[][] TEXT = CyclicSequences.textVectors(2L);

  @TempDir Path tmp;

  @Test
  void lowersLossAndRanksTheNextItemInTopFive() {
    TwoTowerConfig config = CyclicSequences.config(5);
    int[] batches = new int[1];
    TwoTowerTrainer.TrainingReport report =
        TwoTowerTrainer.trainAndExport(TEXT, TRAIN, config, tmp, b -> batches[0] = b);

    assertEquals(5, report.lossPerEpoch().size());
    assertEquals(5, report.bestEpoch());
    assertEquals(5 * TwoTowerTrainer.batchesPerEpoch(TRAIN, config), batches[0]);
    double first = report.lossPerEpoch().get(0);
    double last = report.lossPerEpoch().get(4);
    // Uniform guessing costs ln 60 = 4.09 nats; the pattern's entropy is about 0.6.
    assertTrue(first < 4.2 && last < 1.2 && last < first / 2, report.toString());
    try (TwoTowerScorer scorer = TwoTowerScorer.load(tmp)) {
      assertTrue(hitRateAt5(scorer) > 0.8);
    }
  }

  @Test
  void trainsWithoutTheTextTerm() {
    TwoTowerConfig config = CyclicSequences.config(5).withUseText(false);
    TwoTowerTrainer.TrainingReport report =
        TwoTowerTrainer.trainAndExport(TEXT, TRAIN, config, tmp, null);

    assertTrue(report.lossPerEpoch().get(4) < 1.2, report.toString());
    try (TwoTowerScorer scorer = TwoTowerScorer.load(tmp)) {
      assertTrue(hitRateAt5(scorer) > 0.8);
    }
  }

  @Test
  void exportedModelScoresLikeTheInMemoryGraph() throws Exception {
    TwoTowerTrainer.Trained trained =
        TwoTowerTrainer.train(TEXT, TRAIN, List.of(), 0, CyclicSequences.config(2), null);
    int[][] probes = ToyModel.probes(16, 5L);
    float[][] inMemory;
    try (ServingGraph graph = ServingGraph.build(trained.params())) {
      graph.export(tmp, true);
      int[] flat = new int[16 * 10];
      for (int i = 0; i < 16; i++) {
        TowerSignatures.padInto(probes[i], 10, flat, i * 10);
      }
      try (TInt32 h = TInt32.tensorOf(Shape.of(16, 10), DataBuffers.of(flat, true, false));
          Result r = graph.session().function(graph.scoreSignature()).call(Map.of("history", h))) {
        inMemory = StdArrays.array2dCopyOf((TFloat32) r.get("scores").orElseThrow());
      }
    }
    try (TwoTowerScorer a = TwoTowerScorer.load(tmp);
        TwoTowerScorer b = TwoTowerScorer.load(tmp)) {
      float[][] fromA = a.score(probes);
      float[][] fromB = b.score(probes);
      for (int i = 0; i < probes.length; i++) {
        assertArrayEquals(inMemory[i], fromA[i], 1e-5f);
        assertArrayEquals(fromA[i], fromB[i], 0f);
      }
      assertArrayEquals(trained.params().itemVectors()[7], a.itemVectors()[7], 0f);
    }
  }

  @Test
  void sameSeedGivesTheSameModelUpToRoundOff() {
    // oneDNN kernels (on by default) sum in a thread-dependent order, and Adam's first steps
    // amplify the round-off, so two runs agree closely but not bit for bit; with
    // TF_ENABLE_ONEDNN_OPTS=0 they are identical.
    TwoTowerConfig config = CyclicSequences.config(2);
    TwoTowerTrainer.trainAndExport(TEXT, TRAIN, config, tmp.resolve("a"), null);
    TwoTowerTrainer.trainAndExport(TEXT, TRAIN, config, tmp.resolve("b"), null);
    TwoTowerTrainer.trainAndExport(TEXT, TRAIN, config.withSeed(8L), tmp.resolve("c"), null);
    try (TwoTowerScorer a = TwoTowerScorer.load(tmp.resolve("a"));
        TwoTowerScorer b = TwoTowerScorer.load(tmp.resolve("b"));
        TwoTowerScorer c = TwoTowerScorer.load(tmp.resolve("c"))) {
      float[][] va = a.itemVectors();
      float[][] vb = b.itemVectors();
      float[][] vc = c.itemVectors();
      double sameSeed = 1;
      double otherSeed = 0;
      for (int i = 0; i < va.length; i++) {
        sameSeed = Math.min(sameSeed, dot(va[i], vb[i]));
        otherSeed += dot(va[i], vc[i]) / va.length;
      }
      assertTrue(sameSeed > 0.95, "same seed, min cosine " + sameSeed);
      assertTrue(otherSeed < 0.5, "other seed, mean cosine " + otherSeed);
      int[][] probes = ToyModel.probes(50, 6L);
      float[][] sa = a.score(probes);
      float[][] sb = b.score(probes);
      for (int i = 0; i < probes.length; i++) {
        // Only the top item: ranks 2.. are noise items whose scores differ by round-off.
        assertEquals(
            TopN.select(sa[i], 1, null).items()[0], TopN.select(sb[i], 1, null).items()[0]);
      }
    }
  }

  private static double dot(float[] x, float[] y) {
    double d = 0;
    for (int k = 0; k < x.length; k++) {
      d += x[k] * y[k];
    }
    return d;
  }

  @Test
  void keepsTheEpochWithTheLowestValidationLoss() {
    // Validation follows i -> i+2, which training on i -> i+1 unlearns: it stops early.
    List<int[]> skips = CyclicSequences.sequences(50, 10, 9L);
    for (int[] s : skips) {
      for (int t = 1; t < s.length; t++) {
        s[t] = (s[t - 1] + 2) % CyclicSequences.NUM_ITEMS;
      }
    }
    TwoTowerTrainer.TrainingReport report =
        TwoTowerTrainer.trainAndExport(TEXT, TRAIN, skips, 1, CyclicSequences.config(6), tmp, null);

    List<Double> valid = report.validationLossPerEpoch();
    int argmin = 0;
    for (int e = 1; e < valid.size(); e++) {
      if (valid.get(e) < valid.get(argmin)) {
        argmin = e;
      }
    }
    assertEquals(argmin + 1, report.bestEpoch(), report.toString());
    assertEquals(report.bestEpoch() + 1, valid.size(), "stops one epoch after the best");
    assertTrue(valid.size() < 6, report.toString());
    assertEquals(valid.size(), report.lossPerEpoch().size());
  }

  @Test
  void countsBatchesPerEpoch() {
    List<int[]> seqs = List.of(new int[] {1}, new int[] {1, 2, 3}, new int[] {4, 5, 6, 7, 8});
    TwoTowerConfig config = new TwoTowerConfig(8, 5, 1, 4, 0.01, 1L, true);
    // 0 + 2 + 4 = 6 examples in batches of 4.
    assertEquals(2, TwoTowerTrainer.batchesPerEpoch(seqs, config));
  }

  @Test
  void rejectsAnItemOutsideTheCatalogue() {
    List<int[]> bad = List.of(new int[] {1, 2, 60});
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TwoTowerTrainer.trainAndExport(TEXT, bad, CyclicSequences.config(1), tmp, null));
    assertTrue(e.getMessage().contains("60"), e.getMessage());
  }

  private static double hitRateAt5(TwoTowerScorer scorer) {
    int[][] probes = ToyModel.probes(200, 3L);
    float[][] scores = scorer.score(probes);
    int hits = 0;
    for (int i = 0; i < probes.length; i++) {
      int next = (probes[i][probes[i].length - 1] + 1) % CyclicSequences.NUM_ITEMS;
      for (int item : TopN.select(scores[i], 5, null).items()) {
        hits += item == next ? 1 : 0;
      }
    }
    return hits / (double) probes.length;
  }
}
