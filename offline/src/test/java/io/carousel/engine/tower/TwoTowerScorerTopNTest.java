package io.carousel.engine.tower;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.engine.retrieval.TopN;
import io.carousel.offline.train.ToyModel;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TwoTowerScorerTopNTest {
  private static TwoTowerScorer scorer;

  @BeforeAll
  static void load() {
    scorer = TwoTowerScorer.load(ToyModel.dir());
  }

  @AfterAll
  static void close() {
    scorer.close();
  }

  @Test
  void chunkedTopNAgreesWithFullScoreRows() {
    int[][] histories = ToyModel.probes(16, 5L);
    int[] k = new int[histories.length];
    IntPredicate[] exclude = new IntPredicate[histories.length];
    for (int i = 0; i < k.length; i++) {
      k[i] = 1 + i % 6;
      int banned = histories[i][histories[i].length - 1];
      exclude[i] = item -> item == banned;
    }
    float[][] full = scorer.score(histories);
    TopN[] got = scorer.topN(histories, k, exclude);
    for (int i = 0; i < histories.length; i++) {
      TopN expected = TopN.select(full[i], k[i], exclude[i]);
      assertArrayEquals(expected.items(), got[i].items(), "history " + i);
      assertArrayEquals(expected.scores(), got[i].scores(), 1e-4f);
    }
  }

  @Test
  void recoversAPositiveLogitScale() {
    int[][] one = {ToyModel.probes(1, 9L)[0]};
    float[] session = scorer.sessionVectors(one)[0];
    float[][] items = scorer.itemVectors();
    float dot = 0;
    for (int j = 0; j < session.length; j++) {
      dot += session[j] * items[3][j];
    }
    assertTrue(scorer.logitScale() > 0);
    assertEquals(scorer.score(one)[0][3], dot * scorer.logitScale(), 1e-4f);
  }

  @Test
  void rejectsAnOutOfRangeHistory() {
    assertThrows(
        IllegalArgumentException.class,
        () -> scorer.topN(new int[][] {{scorer.numItems()}}, new int[] {3}, null));
    assertEquals(0, scorer.topN(new int[0][], new int[0], null).length);
  }

  @Test
  void reportsWhetherTensorFlowSeesAGpu() {
    DevicePlacement.Probe probe = DevicePlacement.probeGpu();
    assertFalse(probe.tensorflowVersion().isBlank());
    // CPU natives never see a GPU; the detail then carries TensorFlow's placement error.
    assertEquals(probe.gpuVisible(), probe.detail().equals("ok"));
  }
}
