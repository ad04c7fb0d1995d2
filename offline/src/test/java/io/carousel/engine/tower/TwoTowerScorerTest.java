package io.carousel.engine.tower;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.engine.model.ModelException;
import io.carousel.engine.model.ModelFolder;
import io.carousel.offline.train.CyclicSequences;
import io.carousel.offline.train.ToyModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TwoTowerScorerTest {
  private static TwoTowerScorer scorer;

  @TempDir Path tmp;

  @BeforeAll
  static void load() {
    scorer = TwoTowerScorer.load(ToyModel.dir());
  }

  @AfterAll
  static void close() {
    scorer.close();
  }

  @Test
  void readsItsSizesFromTheExport() {
    assertEquals(CyclicSequences.NUM_ITEMS, scorer.numItems());
    assertEquals(32, scorer.dim());
    assertEquals(10, scorer.historyLength());
    float[][] items = scorer.itemVectors();
    assertEquals(CyclicSequences.NUM_ITEMS, items.length);
    assertEquals(1.0, norm(items[17]), 1e-5);
    items[0][0] = 42f;
    assertTrue(scorer.itemVectors()[0][0] != 42f, "returns a copy");
  }

  @Test
  void usesOnlyTheLastNItemsOfALongHistory() {
    int[] longHistory = new int[25];
    for (int i = 0; i < longHistory.length; i++) {
      longHistory[i] = (i * 7) % CyclicSequences.NUM_ITEMS;
    }
    int[] lastTen = java.util.Arrays.copyOfRange(longHistory, 15, 25);
    float[][] scores = scorer.score(new int[][] {longHistory, lastTen, {3}});
    assertArrayEquals(scores[1], scores[0], 0f);
    assertTrue(scores[0][0] != scores[2][0]);
  }

  @Test
  void scoresAnEmptyHistoryFromTheBiasAlone() {
    float[][] sessions = scorer.sessionVectors(new int[][] {{}, {}, {4, 5}});
    assertArrayEquals(sessions[0], sessions[1], 0f);
    assertEquals(1.0, norm(sessions[0]), 1e-4, "normalize(bias) of a trained, non-zero bias");
    assertEquals(1.0, norm(sessions[2]), 1e-4);
    float[][] scores = scorer.score(new int[][] {{}});
    assertEquals(CyclicSequences.NUM_ITEMS, scores[0].length);
    assertTrue(Float.isFinite(scores[0][0]));
  }

  @Test
  void scoresAreTheScaledCosineOfSessionAndItemVectors() {
    int[][] h = {{1, 2, 3}};
    float[] s = scorer.sessionVectors(h)[0];
    float[] scores = scorer.score(h)[0];
    float[][] items = scorer.itemVectors();
    double ratio = scores[9] / dot(s, items[9]);
    for (int i = 0; i < items.length; i++) {
      assertEquals(scores[i], ratio * dot(s, items[i]), 1e-3);
    }
    assertTrue(ratio > 1, "a learned inverse temperature, was " + ratio);
  }

  @Test
  void rejectsAnItemOutsideTheCatalogue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> scorer.score(new int[][] {{1, 60}}));
    assertTrue(e.getMessage().contains("60"), e.getMessage());
    assertEquals(0, scorer.score(new int[0][]).length);
  }

  @Test
  void failsWithThePathWhenTheModelIsMissing() {
    Path missing = tmp.resolve("no-such-model");
    ModelException e = assertThrows(ModelException.class, () -> TwoTowerScorer.load(missing));
    assertTrue(e.getMessage().contains(missing.toAbsolutePath().toString()), e.getMessage());
  }

  @Test
  void failsWithThePathWhenTheModelIsCorrupt() throws Exception {
    Files.writeString(tmp.resolve("saved_model.pb"), "not a protobuf");
    Files.writeString(
        tmp.resolve(ModelFolder.SIZES),
        "{\"format\":1,\"numItems\":3,\"dim\":2,\"historyLength\":4,\"useText\":true}");
    ModelException e = assertThrows(ModelException.class, () -> TwoTowerScorer.load(tmp));
    assertTrue(e.getMessage().contains(tmp.toAbsolutePath().toString()), e.getMessage());
  }

  private static double dot(float[] x, float[] y) {
    double d = 0;
    for (int k = 0; k < x.length; k++) {
      d += x[k] * y[k];
    }
    return d;
  }

  private static double norm(float[] x) {
    return Math.sqrt(dot(x, x));
  }
}
