package io.carousel.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SessionEmbeddingTest {

  private static final double HALF_LIFE_MS = 60_000;

  @Test
  void halvesOldContributionAfterOneHalfLife() {
    float[] current = {1f, 0f};
    float[] out =
        SessionEmbedding.update(current, 1_000, new float[] {0f, 1f}, 61_000, HALF_LIFE_MS, 1f);
    // 0.5·e1 + e2, normalised by sqrt(1.25).
    assertEquals(0.5 / Math.sqrt(1.25), out[0], 1e-6);
    assertEquals(1.0 / Math.sqrt(1.25), out[1], 1e-6);
    assertEquals(0.5, out[0] / out[1], 1e-6);
  }

  @Test
  void outOfOrderEventIsDecayedInsteadOfCurrent() {
    float[] current = {1f, 0f};
    float[] out =
        SessionEmbedding.update(current, 121_000, new float[] {0f, 1f}, 1_000, HALF_LIFE_MS, 1f);
    // e1 + 0.25·e2: two half-lives old, current untouched.
    assertEquals(0.25, out[1] / out[0], 1e-6);
    assertEquals(1.0 / Math.sqrt(1.0625), out[0], 1e-6);
    assertArrayEquals(new float[] {1f, 0f}, current);
  }

  @Test
  void sameTimeEventAddsWeightedItem() {
    float[] out =
        SessionEmbedding.update(new float[] {0.6f, 0.8f}, 5, new float[] {0.8f, -0.6f}, 5, 10, 2f);
    // (0.6 + 1.6, 0.8 − 1.2) = (2.2, −0.4).
    double norm = Math.sqrt(2.2 * 2.2 + 0.4 * 0.4);
    assertEquals(2.2 / norm, out[0], 1e-6);
    assertEquals(-0.4 / norm, out[1], 1e-6);
  }

  @Test
  void firstEventFromNullOrZerosIsNormalisedItem() {
    float[] item = {3f, 0f, 4f};
    float[] fromNull = SessionEmbedding.update(null, 0, item, 1_700_000_000_000L, HALF_LIFE_MS, 1f);
    float[] fromZeros =
        SessionEmbedding.update(new float[3], 0, item, 1_700_000_000_000L, HALF_LIFE_MS, 0.5f);
    assertArrayEquals(new float[] {0.6f, 0f, 0.8f}, fromNull, 1e-6f);
    assertArrayEquals(new float[] {0.6f, 0f, 0.8f}, fromZeros, 1e-6f);
    assertNotSame(item, fromNull);
  }

  @Test
  void zeroSumGivesZeroVector() {
    float[] out = SessionEmbedding.update(null, 0, new float[] {1f, 2f}, 0, HALF_LIFE_MS, 0f);
    assertArrayEquals(new float[] {0f, 0f}, out);
  }

  @Test
  void newTimeIsTheLaterTimestamp() {
    assertEquals(200, SessionEmbedding.newTime(100, 200));
    assertEquals(200, SessionEmbedding.newTime(200, 100));
  }

  @Test
  void rejectsDimensionMismatchAndNonPositiveHalfLife() {
    assertThrows(
        IllegalArgumentException.class,
        () -> SessionEmbedding.update(new float[2], 0, new float[3], 0, HALF_LIFE_MS, 1f));
    assertThrows(
        IllegalArgumentException.class,
        () -> SessionEmbedding.update(null, 0, new float[3], 0, 0, 1f));
    assertThrows(
        IllegalArgumentException.class,
        () -> SessionEmbedding.update(null, 0, new float[3], 0, Double.NaN, 1f));
  }
}
