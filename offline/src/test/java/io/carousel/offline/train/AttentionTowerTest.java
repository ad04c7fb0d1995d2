package io.carousel.offline.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.engine.retrieval.TopN;
import io.carousel.engine.tower.TowerSignatures;
import io.carousel.engine.tower.TwoTowerScorer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

class AttentionTowerTest {
  private static final List<int[]> TRAIN = CyclicSequences.sequences(200, 20, 1L);
  private static final float[][] TEXT = CyclicSequences.textVectors(2L);
  private static final int N = 6;
  private static final int DIM = 8;
  private static final int ITEMS = 10;

  @TempDir Path tmp;

  private static TwoTowerConfig attention(int epochs) {
    return CyclicSequences.config(epochs).withTower(SessionTowerType.ATTENTION);
  }

  @Test
  void learnsTheNextItemOfTheCycle() {
    TwoTowerTrainer.TrainingReport report =
        TwoTowerTrainer.trainAndExport(TEXT, TRAIN, attention(5), tmp, null);

    double first = report.lossPerEpoch().get(0);
    double last = report.lossPerEpoch().get(4);
    assertTrue(last < 1.2 && last < first / 2, report.toString());
    try (TwoTowerScorer scorer = TwoTowerScorer.load(tmp)) {
      int[][] probes = ToyModel.probes(200, 3L);
      float[][] scores = scorer.score(probes);
      int hits = 0;
      for (int i = 0; i < probes.length; i++) {
        int next = (probes[i][probes[i].length - 1] + 1) % CyclicSequences.NUM_ITEMS;
        for (int item : TopN.select(scores[i], 5, null).items()) {
          hits += item == next ? 1 : 0;
        }
      }
      assertTrue(hits / 200.0 > 0.8, "HR@5 " + hits / 200.0);
    }
  }

  @Test
  void exportedAttentionModelScoresLikeTheInMemoryGraph() throws Exception {
    TwoTowerTrainer.Trained trained =
        TwoTowerTrainer.train(TEXT, TRAIN, List.of(), 0, attention(2), null);
    assertEquals(SessionTowerType.ATTENTION, trained.params().tower());
    int[][] probes = ToyModel.probes(16, 5L);
    probes[0] = new int[0];
    probes[1] = new int[] {7};
    float[][] inMemory;
    try (ServingGraph graph = ServingGraph.build(trained.params())) {
      graph.export(tmp, true);
      inMemory = score(graph, probes, 10);
    }
    try (TwoTowerScorer a = TwoTowerScorer.load(tmp)) {
      float[][] loaded = a.score(probes);
      for (int i = 0; i < probes.length; i++) {
        assertArrayEquals(inMemory[i], loaded[i], 1e-5f);
        assertTrue(Float.isFinite(loaded[i][0]));
      }
      assertTrue(loaded[0][3] != loaded[1][3], "an empty history differs from one item");
    }
  }

  @Test
  void paddedPositionsDoNotReachTheSessionVector() {
    AttentionTower.Weights<float[][]> w = AttentionTower.initial(new Random(3L), N, DIM);
    // Make the ignored rows loud: a padded position's embedding must not leak through.
    AttentionTower.Weights<float[][]> loud =
        w.map(
            (name, v) -> {
              if (!name.equals("attention_positions")) {
                return v;
              }
              float[][] p = new float[N][];
              for (int t = 0; t < N; t++) {
                p[t] = v[t].clone();
                if (t < N - 2) {
                  java.util.Arrays.fill(p[t], 5f);
                }
              }
              return p;
            });
    float[][] items = AttentionTower.gaussian(new Random(4L), ITEMS, DIM, 0.5);
    int[][] probes = {{2, 5}, {1, 2, 3, 4, 5, 6}, {}};
    try (ServingGraph quiet = ServingGraph.build(params(items, w));
        ServingGraph noisy = ServingGraph.build(params(items, loud))) {
      float[][] a = score(quiet, probes, N);
      float[][] b = score(noisy, probes, N);
      assertArrayEquals(a[0], b[0], 1e-6f, "two items: only the last two positions count");
      assertArrayEquals(a[2], b[2], 1e-6f, "empty history: no position counts");
      assertTrue(Math.abs(a[1][0] - b[1][0]) > 1e-4, "a full history reads every position");
    }
  }

  @Test
  void theMostRecentItemIsTheQuery() {
    AttentionTower.Weights<float[][]> w = AttentionTower.initial(new Random(5L), N, DIM);
    float[][] items = AttentionTower.gaussian(new Random(6L), ITEMS, DIM, 0.5);
    try (ServingGraph g = ServingGraph.build(params(items, w))) {
      float[][] s = score(g, new int[][] {{1, 2, 3}, {3, 2, 1}, {1, 2, 3}}, N);
      assertArrayEquals(s[0], s[2], 1e-6f);
      assertTrue(Math.abs(s[0][4] - s[1][4]) > 1e-4, "order matters");
    }
  }

  @Test
  void idL2PullsItemVectorsTowardsTheirTextAlone() {
    double[] meanCosine = new double[2];
    double[] lambdas = {0, 100};
    for (int k = 0; k < 2; k++) {
      Path dir = tmp.resolve("l2-" + k);
      TwoTowerTrainer.trainAndExport(TEXT, TRAIN, attention(3).withIdL2(lambdas[k]), dir, null);
      try (TwoTowerScorer scorer = TwoTowerScorer.load(dir)) {
        float[][] fromText = scorer.itemVectorsFromText(TEXT);
        float[][] items = scorer.itemVectors();
        for (int i = 0; i < items.length; i++) {
          double dot = 0;
          for (int d = 0; d < items[i].length; d++) {
            dot += items[i][d] * fromText[i][d];
          }
          meanCosine[k] += dot / items.length;
        }
      }
    }
    // The penalty shrinks the id embeddings E, so v_i = normalize(T_i · W_text + E_i) moves
    // towards normalize(T_i · W_text).
    assertTrue(
        meanCosine[1] > 0.99 && meanCosine[1] > meanCosine[0] + 0.05,
        "mean cosine without / with L2: " + meanCosine[0] + " / " + meanCosine[1]);
  }

  private static ServingParams params(float[][] items, AttentionTower.Weights<float[][]> w) {
    return new ServingParams(items, null, null, null, 0f, null, w);
  }

  private static float[][] score(ServingGraph graph, int[][] probes, int n) {
    int[] flat = new int[probes.length * n];
    for (int i = 0; i < probes.length; i++) {
      TowerSignatures.padInto(probes[i], n, flat, i * n);
    }
    try (TInt32 h = TInt32.tensorOf(Shape.of(probes.length, n), DataBuffers.of(flat, true, false));
        Result r = graph.session().function(graph.scoreSignature()).call(Map.of("history", h))) {
      return StdArrays.array2dCopyOf((TFloat32) r.get("scores").orElseThrow());
    }
  }
}
