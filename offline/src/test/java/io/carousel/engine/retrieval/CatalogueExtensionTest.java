package io.carousel.engine.retrieval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.engine.tower.TwoTowerScorer;
import io.carousel.offline.train.ToyModel;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

class CatalogueExtensionTest {
  @Test
  void drawsUnitVectorsAroundTheirParentsReproducibly() {
    float[][] trained = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0.6f, 0.8f, 0}};
    CatalogueExtension.Drawn a = CatalogueExtension.draw(trained, 2000, 0.3, 1L);
    CatalogueExtension.Drawn b = CatalogueExtension.draw(trained, 2000, 0.3, 1L);
    int[] perParent = new int[trained.length];
    for (int e = 0; e < 2000; e++) {
      assertArrayEquals(a.vectors()[e], b.vectors()[e]);
      float[] v = a.vectors()[e];
      assertEquals(1.0, v[0] * v[0] + v[1] * v[1] + v[2] * v[2], 1e-5);
      // The parent is the nearest trained vector for nearly every draw at this bandwidth.
      int p = a.parents()[e];
      perParent[p]++;
      float own = dot(v, trained[p]);
      assertTrue(own > 0.5f, "draw " + e + " cos to its parent " + own);
    }
    for (int count : perParent) {
      assertTrue(count > 400 && count < 600, "parents uniform: " + count);
    }
    // Bandwidth 0 reproduces the parents exactly.
    CatalogueExtension.Drawn exact = CatalogueExtension.draw(trained, 10, 0, 2L);
    for (int e = 0; e < 10; e++) {
      assertArrayEquals(trained[exact.parents()[e]], exact.vectors()[e], 1e-6f);
    }
    assertThrows(
        IllegalArgumentException.class, () -> CatalogueExtension.draw(new float[0][], 1, 0.5, 1L));
  }

  @Test
  void extraItemsAreRetrievedAndAcceptedInHistoriesWithoutReachingTheTowers() {
    try (TwoTowerScorer base = TwoTowerScorer.load(ToyModel.dir())) {
      int[][] probes = ToyModel.probes(4, 3L);
      float[][] sessions = base.sessionVectors(probes);
      // Extra item 0 is the first probe's own session direction: the best possible tower score.
      float[][] extra = CatalogueExtension.draw(base.itemVectors(), 50, 0.5, 9L).vectors();
      extra[0] = sessions[0].clone();
      TwoTowerScorer scorer = base.withExtraItems(extra);
      int trained = base.numItems();
      assertEquals(trained, scorer.trainedItems());
      assertEquals(trained + 50, scorer.numItems());
      TopN top = scorer.topN(new int[][] {probes[0]}, new int[] {5}, null)[0];
      assertEquals(trained, top.items()[0]);
      assertEquals(scorer.logitScale(), top.scores()[0], 1e-4f);
      // An extension item in a history is seen but not read: same session as without it.
      int[] withExtra = java.util.Arrays.copyOf(probes[1], probes[1].length + 1);
      withExtra[probes[1].length] = trained + 7;
      assertArrayEquals(sessions[1], scorer.sessionVectors(new int[][] {withExtra})[0], 1e-6f);
      IntPredicate noFirst = i -> i == trained;
      TopN excluded =
          scorer.topN(new int[][] {probes[0]}, new int[] {5}, new IntPredicate[] {noFirst})[0];
      assertTrue(java.util.Arrays.stream(excluded.items()).noneMatch(i -> i == trained));
      assertThrows(
          IllegalArgumentException.class,
          () -> scorer.topN(new int[][] {{trained + 50}}, new int[] {3}, null));
    }
  }

  private static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
