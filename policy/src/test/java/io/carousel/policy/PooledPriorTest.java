package io.carousel.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PooledPriorTest {

  private static float[] randomX(SplittableRandom rng, int k) {
    float[] x = new float[k];
    for (int i = 0; i < k; i++) {
      x[i] = (float) rng.nextGaussian();
    }
    return x;
  }

  @Test
  void newUserFollowsThePoolWithBothWidths() {
    PooledPrior pool = PooledPrior.create(new double[] {0.5, -1, 2}, 3, 4.0, 10.0);
    LinearPosterior u = pool.forUser(pool.userStart());
    assertArrayEquals(new double[] {0.5, -1, 2}, u.mean(), 1e-12);
    // Covariance I/λu + Σ̄ = (0.1 + 0.25)·I.
    assertEquals(0.35, u.aInv()[0], 1e-12);
    assertEquals(0.35, u.aInv()[4], 1e-12);
    assertEquals(0.0, u.aInv()[1], 1e-12);
  }

  @Test
  void poolLearnsTheSharedWeightsFromManyUsers() {
    double[] truth = {0.2, 1.5, -0.7, 0.0};
    SplittableRandom rng = new SplittableRandom(11);
    PooledPrior pool = PooledPrior.create(new double[4], 4, 1.0, 100.0);
    // 200 users with 3 noise-free observations each: no user alone pins down 4 weights.
    for (int n = 0; n < 600; n++) {
      float[] x = randomX(rng, 4);
      double r = 0;
      for (int i = 0; i < 4; i++) {
        r += truth[i] * x[i];
      }
      pool = pool.updated(x, r);
    }
    assertArrayEquals(truth, pool.global().mean(), 1e-2);
    assertArrayEquals(truth, pool.forUser(pool.userStart()).mean(), 1e-2);
  }

  @Test
  void userPosteriorMatchesTheClosedFormOfTheHierarchicalModel() {
    int k = 3;
    SplittableRandom rng = new SplittableRandom(5);
    double lambdaU = 2.0;
    PooledPrior pool = PooledPrior.create(new double[] {1, 0, -1}, k, 3.0, lambdaU);
    for (int n = 0; n < 7; n++) {
      pool = pool.updated(randomX(rng, k), rng.nextDouble());
    }
    LinearPosterior user = pool.userStart();
    float[][] xs = {randomX(rng, k), randomX(rng, k)};
    double[] rs = {1.0, 0.0};
    for (int n = 0; n < 2; n++) {
      user = user.updated(xs[n], rs[n]);
    }
    // Brute force: A_u = λI + Σxxᵀ, mean = A_u⁻¹(λμ̄ + Σrx), C = A_u⁻¹ + λ²A_u⁻¹Σ̄A_u⁻¹.
    double[][] a = new double[k][k];
    double[] rhs = new double[k];
    double[] mu = pool.global().mean();
    for (int i = 0; i < k; i++) {
      a[i][i] = lambdaU;
      rhs[i] = lambdaU * mu[i];
      for (int n = 0; n < 2; n++) {
        rhs[i] += rs[n] * xs[n][i];
        for (int j = 0; j < k; j++) {
          a[i][j] += (double) xs[n][i] * xs[n][j];
        }
      }
    }
    double[][] ai = invert3(a);
    double[] mean = new double[k];
    double[][] c = new double[k][k];
    double[] s = pool.global().aInv();
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        mean[i] += ai[i][j] * rhs[j];
        double t = 0;
        for (int p = 0; p < k; p++) {
          for (int q = 0; q < k; q++) {
            t += ai[i][p] * s[p * k + q] * ai[q][j];
          }
        }
        c[i][j] = ai[i][j] + lambdaU * lambdaU * t;
      }
    }
    LinearPosterior view = pool.forUser(user);
    assertArrayEquals(mean, view.mean(), 1e-9);
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        assertEquals(c[i][j], view.aInv()[i * k + j], 1e-9);
      }
    }
    assertEquals(2, view.updates());
  }

  @Test
  void choleskySolveInvertsASymmetricPositiveDefiniteSystem() {
    double[] c = {4, 1, 0, 1, 3, 1, 0, 1, 2};
    double[] y = PooledPrior.solveSpd(c, new double[] {1, 2, 3}, 3);
    for (int i = 0; i < 3; i++) {
      double s = 0;
      for (int j = 0; j < 3; j++) {
        s += c[i * 3 + j] * y[j];
      }
      assertEquals(i + 1.0, s, 1e-12);
    }
  }

  @Test
  void diagonalPriorHoldsEachFeatureWithItsOwnPrecision() {
    LinearPosterior p =
        LinearPosterior.diagonalPrior(new double[] {0, 1, 0}, new double[] {1, 10, 1000});
    assertArrayEquals(new double[] {0, 1, 0}, p.mean(), 1e-12);
    assertEquals(0.001, p.variance(new float[] {0, 0, 1}), 1e-15);
    assertEquals(1.0, p.variance(new float[] {1, 0, 0}), 1e-15);
    PooledPrior pool = PooledPrior.create(p.mean(), new double[] {1, 10, 1000}, 5.0);
    assertTrue(pool.forUser(pool.userStart()).variance(new float[] {0, 0, 1}) < 0.21);
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(
        IllegalArgumentException.class, () -> PooledPrior.create(new double[2], 2, 1.0, 0.0));
    assertThrows(
        IllegalArgumentException.class,
        () -> LinearPosterior.diagonalPrior(new double[2], new double[] {1, 0}));
    PooledPrior pool = PooledPrior.create(new double[2], 2, 1.0, 1.0);
    assertThrows(IllegalArgumentException.class, () -> pool.forUser(LinearPosterior.prior(3, 1.0)));
  }

  private static double[][] invert3(double[][] m) {
    double det =
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    double[][] r = new double[3][3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        int i1 = (j + 1) % 3;
        int i2 = (j + 2) % 3;
        int j1 = (i + 1) % 3;
        int j2 = (i + 2) % 3;
        r[i][j] = (m[i1][j1] * m[i2][j2] - m[i1][j2] * m[i2][j1]) / det;
      }
    }
    return r;
  }
}
