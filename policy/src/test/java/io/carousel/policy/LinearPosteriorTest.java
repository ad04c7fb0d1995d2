package io.carousel.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LinearPosteriorTest {

  @Test
  void shermanMorrisonMatchesDirectInverse() {
    int k = 6;
    double lambda = 0.7;
    SplittableRandom rng = new SplittableRandom(11);
    LinearPosterior p = LinearPosterior.prior(k, lambda);
    double[] a = new double[k * k];
    for (int i = 0; i < k; i++) {
      a[i * k + i] = lambda;
    }
    for (int t = 0; t < 50; t++) {
      float[] x = randomVector(rng, k);
      p = p.updated(x, rng.nextDouble());
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
          a[i * k + j] += (double) x[i] * x[j];
        }
      }
    }
    double[] direct = invert(a, k);
    for (int i = 0; i < k * k; i++) {
      assertEquals(direct[i], p.aInv()[i], 1e-9, "entry " + i);
    }
    assertEquals(50, p.updates());
  }

  @Test
  void posteriorMeanConvergesToTrueTheta() {
    double[] truth = {0.3, -0.5, 0.8, 0.1};
    SplittableRandom rng = new SplittableRandom(5);
    LinearPosterior p = LinearPosterior.prior(4, 1.0);
    for (int t = 0; t < 5000; t++) {
      float[] x = randomVector(rng, 4);
      double r = 0;
      for (int i = 0; i < 4; i++) {
        r += truth[i] * x[i];
      }
      p = p.updated(x, r + 0.1 * rng.nextGaussian());
    }
    double[] mean = p.mean();
    for (int i = 0; i < 4; i++) {
      assertEquals(truth[i], mean[i], 0.01, "theta[" + i + "]");
    }
  }

  @Test
  void meanScoreEqualsDotProductWithMean() {
    SplittableRandom rng = new SplittableRandom(8);
    LinearPosterior p = LinearPosterior.prior(3, 2.0);
    for (int t = 0; t < 10; t++) {
      p = p.updated(randomVector(rng, 3), rng.nextDouble());
    }
    float[] x = {0.5f, -1f, 2f};
    double[] mean = p.mean();
    double expected = 0.5 * mean[0] - mean[1] + 2 * mean[2];
    assertEquals(expected, p.meanScore(x), 1e-12);
  }

  @Test
  void globalPriorStartsAtMeanTheta() {
    double[] meanTheta = {0.2, -0.4, 1.5};
    LinearPosterior p = LinearPosterior.globalPrior(meanTheta, 3, 4.0);
    assertArrayEquals(meanTheta, p.mean(), 1e-12);
    assertEquals(0.25, p.variance(new float[] {1f, 0f, 0f}), 1e-12);
    assertEquals(0, p.updates());
  }

  @Test
  void priorVarianceIsNormSquaredOverLambda() {
    LinearPosterior p = LinearPosterior.prior(2, 2.0);
    assertEquals(12.5, p.variance(new float[] {3f, 4f}), 1e-12);
    assertArrayEquals(new double[] {0, 0}, p.mean());
  }

  @Test
  void varianceShrinksAlongObservedDirection() {
    float[] x = {1f, 0f};
    LinearPosterior p = LinearPosterior.prior(2, 1.0).updated(x, 1.0);
    // A = diag(2, 1) after one observation of e1.
    assertEquals(0.5, p.variance(x), 1e-12);
    assertEquals(1.0, p.variance(new float[] {0f, 1f}), 1e-12);
    assertEquals(0.5, p.meanScore(x), 1e-12);
  }

  @Test
  void updatedDoesNotMutateThis() {
    LinearPosterior p = LinearPosterior.prior(2, 1.0);
    LinearPosterior before = new LinearPosterior(2, p.aInv().clone(), p.b().clone(), 0);
    LinearPosterior after = p.updated(new float[] {1f, 2f}, 1.0);
    assertEquals(before, p);
    assertNotEquals(p, after);
  }

  @Test
  void equalsComparesArrayContents() {
    LinearPosterior a = new LinearPosterior(1, new double[] {2.0}, new double[] {3.0}, 4);
    LinearPosterior b = new LinearPosterior(1, new double[] {2.0}, new double[] {3.0}, 4);
    LinearPosterior c = new LinearPosterior(1, new double[] {2.0}, new double[] {3.5}, 4);
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, c);
    assertTrue(a.toString().contains("3.0"));
  }

  @Test
  void rejectsMismatchedDimension() {
    LinearPosterior p = LinearPosterior.prior(3, 1.0);
    assertThrows(IllegalArgumentException.class, () -> p.updated(new float[2], 1.0));
    assertThrows(IllegalArgumentException.class, () -> p.variance(new float[4]));
    assertThrows(IllegalArgumentException.class, () -> p.meanScore(new float[4]));
    assertThrows(
        IllegalArgumentException.class, () -> LinearPosterior.globalPrior(new double[2], 3, 1.0));
    assertThrows(IllegalArgumentException.class, () -> LinearPosterior.prior(3, 0.0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new LinearPosterior(2, new double[3], new double[2], 0));
  }

  static float[] randomVector(SplittableRandom rng, int k) {
    float[] x = new float[k];
    for (int i = 0; i < k; i++) {
      x[i] = (float) rng.nextGaussian();
    }
    return x;
  }

  /** Gauss–Jordan inversion with partial pivoting of a row-major k×k matrix. */
  static double[] invert(double[] a, int k) {
    double[] m = a.clone();
    double[] inv = new double[k * k];
    for (int i = 0; i < k; i++) {
      inv[i * k + i] = 1;
    }
    for (int col = 0; col < k; col++) {
      int pivot = col;
      for (int r = col + 1; r < k; r++) {
        if (Math.abs(m[r * k + col]) > Math.abs(m[pivot * k + col])) {
          pivot = r;
        }
      }
      swapRows(m, k, col, pivot);
      swapRows(inv, k, col, pivot);
      double d = m[col * k + col];
      for (int c = 0; c < k; c++) {
        m[col * k + c] /= d;
        inv[col * k + c] /= d;
      }
      for (int r = 0; r < k; r++) {
        if (r != col) {
          double f = m[r * k + col];
          for (int c = 0; c < k; c++) {
            m[r * k + c] -= f * m[col * k + c];
            inv[r * k + c] -= f * inv[col * k + c];
          }
        }
      }
    }
    return inv;
  }

  private static void swapRows(double[] m, int k, int r1, int r2) {
    for (int c = 0; c < k; c++) {
      double t = m[r1 * k + c];
      m[r1 * k + c] = m[r2 * k + c];
      m[r2 * k + c] = t;
    }
  }

  @Test
  void rebasedOntoAnotherPriorEqualsTheSameDataFromThatPrior() {
    int k = 5;
    SplittableRandom rng = new SplittableRandom(3);
    double[] mean = {0, 1, 0, 0, 0};
    LinearPosterior fixed = LinearPosterior.globalPrior(mean, k, 2.0);
    // Same data on a 7-d data-only prior (λ 50), the two extra features 0 in every observation.
    LinearPosterior dataOnly = LinearPosterior.prior(k + 2, 50.0);
    for (int t = 0; t < 40; t++) {
      float[] x = randomVector(rng, k);
      double r = rng.nextDouble();
      fixed = fixed.updated(x, r);
      dataOnly = dataOnly.updated(java.util.Arrays.copyOf(x, k + 2), r);
    }
    double[] two = {2, 2, 2, 2, 2};
    double[] fifty = new double[k + 2];
    java.util.Arrays.fill(fifty, 50.0);
    LinearPosterior moved = fixed.rebased(two, mean, fifty, new double[k + 2]);
    assertEquals(k + 2, moved.dim());
    assertEquals(40, moved.updates());
    for (int i = 0; i < moved.aInv().length; i++) {
      assertEquals(dataOnly.aInv()[i], moved.aInv()[i], 1e-9, "aInv " + i);
    }
    for (int i = 0; i < k + 2; i++) {
      assertEquals(dataOnly.b()[i], moved.b()[i], 1e-9, "b " + i);
    }
    // And back: truncating the two unused features restores the fixed-prior posterior.
    LinearPosterior back = moved.rebased(fifty, new double[k + 2], two, mean);
    for (int i = 0; i < k * k; i++) {
      assertEquals(fixed.aInv()[i], back.aInv()[i], 1e-9, "aInv " + i);
    }
    assertArrayEquals(fixed.mean(), back.mean(), 1e-9);
  }
}
