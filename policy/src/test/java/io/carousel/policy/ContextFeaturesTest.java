package io.carousel.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ContextFeaturesTest {

  @Test
  void buildsBiasScorePopularitySeenHead() {
    ContextFeatures f = new ContextFeatures(4, 7);
    float[] x = f.build(0.75f, 0.3f, true, new float[4]);
    assertEquals(ContextFeatures.DIM, x.length);
    assertArrayEquals(new float[] {1f, 0.75f, 0.3f, 1f}, Arrays.copyOf(x, 4));
    assertEquals(0f, f.build(0f, 0f, false, new float[4])[3]);
    // A zero item vector projects to zero.
    assertArrayEquals(new float[12], Arrays.copyOfRange(x, 4, 16));
  }

  @Test
  void contextFromTheSharedProjectionIsTheSameFloats() {
    ContextFeatures f = new ContextFeatures(64, 11, ContextFeatures.Layout.TWO_TRENDS);
    SplittableRandom r = new SplittableRandom(3);
    float[] v = new float[64];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    float[] trends = {0.25f, 0.625f};
    float[] fromVector = f.build(0.4f, 0.7f, false, v, trends);
    float[] projected = f.project(v);
    assertArrayEquals(
        Arrays.copyOfRange(fromVector, ContextFeatures.PROJECTED_FROM, 16), projected);
    assertArrayEquals(fromVector, f.buildFromProjection(0.4f, 0.7f, false, projected, trends));
    assertThrows(
        IllegalArgumentException.class,
        () -> f.buildFromProjection(0f, 0f, false, new float[11], trends));
    assertThrows(
        IllegalArgumentException.class,
        () -> f.buildFromProjection(0f, 0f, false, projected, new float[1]));
  }

  @Test
  void projectionIsLinearAndSeeded() {
    ContextFeatures f = new ContextFeatures(5, 42);
    float[] a = {1f, 2f, -1f, 0.5f, 3f};
    float[] b = {-2f, 0f, 1f, 1f, -1f};
    float[] sum = new float[5];
    for (int i = 0; i < 5; i++) {
      sum[i] = a[i] + b[i];
    }
    float[] xa = f.build(0, 0, false, a);
    float[] xb = f.build(0, 0, false, b);
    float[] xs = f.build(0, 0, false, sum);
    for (int i = 4; i < 16; i++) {
      assertEquals(xa[i] + xb[i], xs[i], 1e-5);
    }
    assertArrayEquals(xa, new ContextFeatures(5, 42).build(0, 0, false, a));
    assertFalse(Arrays.equals(xa, new ContextFeatures(5, 43).build(0, 0, false, a)));
  }

  @Test
  void projectionPreservesSquaredNormOnAverage() {
    int d = 256;
    ContextFeatures f = new ContextFeatures(d, 9);
    // Σ_i ‖P e_i‖² = ‖P‖_F², whose expectation is d for entries N(0, 1/12); sd/d ≈ 0.026 here.
    double frobenius2 = 0;
    float[] basis = new float[d];
    for (int i = 0; i < d; i++) {
      Arrays.fill(basis, 0f);
      basis[i] = 1f;
      float[] x = f.build(0, 0, false, basis);
      for (int j = 4; j < 16; j++) {
        frobenius2 += x[j] * x[j];
      }
    }
    assertEquals(1.0, frobenius2 / d, 0.1);
  }

  @Test
  void buildIntoMatchesBuild() {
    ContextFeatures f = new ContextFeatures(8, 1);
    SplittableRandom rng = new SplittableRandom(2);
    float[] item = new float[8];
    for (int i = 0; i < 8; i++) {
      item[i] = (float) rng.nextGaussian();
    }
    float[] out = new float[16];
    Arrays.fill(out, 99f);
    f.buildInto(out, 0.1f, 0.9f, false, item);
    assertArrayEquals(f.build(0.1f, 0.9f, false, item), out);
  }

  @Test
  void rejectsWrongItemDimOrOutputLength() {
    ContextFeatures f = new ContextFeatures(8, 1);
    assertThrows(IllegalArgumentException.class, () -> f.build(0, 0, false, new float[7]));
    assertThrows(
        IllegalArgumentException.class,
        () -> f.buildInto(new float[15], 0, 0, false, new float[8]));
    assertThrows(IllegalArgumentException.class, () -> new ContextFeatures(0, 1));
  }

  @Test
  void trendLayoutAppendsTheTrendToTheStandardContext() {
    ContextFeatures standard = new ContextFeatures(5, 42);
    ContextFeatures trend = new ContextFeatures(5, 42, ContextFeatures.Layout.TREND);
    float[] v = {1f, -2f, 0.5f, 0f, 3f};
    float[] x = trend.build(0.4f, 0.6f, false, v, 0.25f);
    assertEquals(17, trend.dim());
    assertEquals(17, x.length);
    assertArrayEquals(standard.build(0.4f, 0.6f, false, v), Arrays.copyOf(x, 16));
    assertEquals(0.25f, x[ContextFeatures.TREND_INDEX]);
    assertEquals(16, standard.build(0.4f, 0.6f, false, v, 0.25f).length);
  }

  @Test
  void twoTrendsLayoutAppendsShortThenLongTrend() {
    ContextFeatures standard = new ContextFeatures(5, 42);
    ContextFeatures two = new ContextFeatures(5, 42, ContextFeatures.Layout.TWO_TRENDS);
    float[] v = {1f, -2f, 0.5f, 0f, 3f};
    float[] x = two.build(0.4f, 0.6f, true, v, new float[] {0.9f, 0.1f});
    assertEquals(18, x.length);
    assertArrayEquals(standard.build(0.4f, 0.6f, true, v), Arrays.copyOf(x, 16));
    assertEquals(0.9f, x[16]);
    assertEquals(0.1f, x[17]);
    assertThrows(
        IllegalArgumentException.class, () -> two.build(0f, 0f, false, v, new float[] {0.5f}));
  }
}
