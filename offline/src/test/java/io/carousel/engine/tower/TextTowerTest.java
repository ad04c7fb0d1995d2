package io.carousel.engine.tower;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.engine.model.ModelException;
import io.carousel.offline.train.CyclicSequences;
import io.carousel.offline.train.ToyModel;
import io.carousel.offline.train.TwoTowerTrainer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exported {@code item_vector_from_text} signature: the item tower without id embeddings. */
class TextTowerTest {

  @Test
  void givesUnitVectorsFromTextAloneCloseToTheTrainedItemVectors() {
    try (TwoTowerScorer scorer = TwoTowerScorer.load(ToyModel.dir())) {
      assertTrue(scorer.hasTextTower());
      float[][] text = CyclicSequences.textVectors(2L);
      float[][] fromText = scorer.itemVectorsFromText(text);
      float[][] items = scorer.itemVectors();
      assertEquals(text.length, fromText.length);
      assertEquals(scorer.dim(), fromText[0].length);
      double meanCosine = 0;
      for (int i = 0; i < text.length; i++) {
        assertEquals(1.0, norm(fromText[i]), 1e-5);
        meanCosine += dot(fromText[i], items[i]) / text.length;
      }
      // With text, id embeddings start 10x smaller than W_text's term, so text dominates v_i.
      assertTrue(meanCosine > 0.5, "mean cosine(text-only, trained) " + meanCosine);
      assertArrayEquals(
          new float[scorer.dim()],
          scorer.itemVectorsFromText(new float[][] {new float[text[0].length]})[0],
          0f,
          "zero text gives the zero vector");
    }
  }

  @Test
  void rejectsTextForAModelTrainedWithoutText(@TempDir Path tmp) {
    Path dir = tmp.resolve("model");
    TwoTowerTrainer.trainAndExport(
        CyclicSequences.textVectors(2L),
        CyclicSequences.sequences(40, 10, 1L),
        CyclicSequences.config(1).withUseText(false),
        dir,
        null);
    try (TwoTowerScorer scorer = TwoTowerScorer.load(dir)) {
      assertTrue(!scorer.hasTextTower());
      assertThrows(
          ModelException.class, () -> scorer.itemVectorsFromText(CyclicSequences.textVectors(2L)));
    }
  }

  private static double norm(float[] v) {
    return Math.sqrt(dot(v, v));
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
