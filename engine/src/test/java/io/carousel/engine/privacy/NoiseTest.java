package io.carousel.engine.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NoiseTest {
  private static final int DRAWS = 400_000;

  @Test
  void laplaceScaleIsSensitivityOverEpsilonAndItsDrawsHaveVarianceTwoBSquared() {
    double b = Noise.laplaceScale(4, 2);
    assertEquals(2.0, b, 0);
    Noise n = Noise.seeded(7);
    double sum = 0;
    double sq = 0;
    double abs = 0;
    for (int i = 0; i < DRAWS; i++) {
      double x = n.laplace(b);
      sum += x;
      sq += x * x;
      abs += Math.abs(x);
    }
    double mean = sum / DRAWS;
    double var = sq / DRAWS - mean * mean;
    // Var = 2b² = 8; standard error of the sample variance for Laplace ≈ √(20 b⁴ / n) ≈ 0.028.
    assertEquals(8.0, var, 0.15);
    assertEquals(0.0, mean, 0.02);
    // E|X| = b: the scale itself, not only the variance.
    assertEquals(2.0, abs / DRAWS, 0.02);
  }

  @Test
  void gaussianDrawsHaveVarianceSigmaSquared() {
    Noise n = Noise.seeded(11);
    double sigma = 3.5;
    double sum = 0;
    double sq = 0;
    for (int i = 0; i < DRAWS; i++) {
      double x = n.gaussian(sigma);
      sum += x;
      sq += x * x;
    }
    double mean = sum / DRAWS;
    assertEquals(sigma * sigma, sq / DRAWS - mean * mean, 0.1);
    assertEquals(0.0, mean, 0.02);
  }

  @Test
  void analyticGaussianSigmaMeetsDeltaExactlyAndBeatsTheClassicBound() {
    double eps = 0.5;
    double delta = 1e-5;
    double sigma = Noise.gaussianSigma(1, eps, delta);
    // δ(σ) at the returned σ is δ (the smallest σ that meets it) ...
    assertEquals(delta, Noise.gaussianDelta(sigma, 1, eps), delta * 1e-5);
    assertTrue(Noise.gaussianDelta(sigma * 0.99, 1, eps) > delta);
    // ... and below the classic σ = √(2 ln(1.25/δ))/ε = 9.69, valid for ε < 1.
    double classic = Math.sqrt(2 * Math.log(1.25 / delta)) / eps;
    assertEquals(9.6896, classic, 1e-3);
    assertTrue(sigma < classic, sigma + " >= " + classic);
    // σ scales linearly with the sensitivity and inversely (roughly) with ε.
    assertEquals(3 * sigma, Noise.gaussianSigma(3, eps, delta), 1e-6 * sigma);
    assertTrue(Noise.gaussianSigma(1, 8, 1e-6) < Noise.gaussianSigma(1, 1, 1e-6));
  }

  @Test
  void gaussianSigmaAtLargeEpsilonStillMeetsDelta() {
    double sigma = Noise.gaussianSigma(Math.sqrt(230), 8, 5e-7);
    assertEquals(5e-7, Noise.gaussianDelta(sigma, Math.sqrt(230), 8), 5e-12);
  }

  @Test
  void thresholdKeepsASingleUsersKeysBelowItExceptWithProbabilityDelta() {
    double sigma = 2;
    int keys = 50;
    double delta = 1e-3;
    double tau = Noise.threshold(sigma, keys, delta);
    // P(1 + N(0, σ²) ≥ τ) = δ/keys, checked against Φ.
    assertEquals(delta / keys, 1 - Noise.phi((tau - 1) / sigma), 1e-9);
    Noise n = Noise.seeded(3);
    int passed = 0;
    int trials = 200_000;
    for (int i = 0; i < trials; i++) {
      if (1 + n.gaussian(sigma) >= tau) {
        passed++;
      }
    }
    // Expected 4 of 200,000.
    assertTrue(passed <= 15, "passed " + passed);
  }

  @Test
  void badCalibrationInputsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Noise.laplaceScale(1, 0));
    assertThrows(IllegalArgumentException.class, () -> Noise.laplaceScale(-1, 1));
    assertThrows(
        IllegalArgumentException.class, () -> Noise.laplaceScale(1, Double.POSITIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> Noise.gaussianSigma(1, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new DpBudget(0, 0));
    assertThrows(IllegalArgumentException.class, () -> DpBudget.parseEpsilon("-1"));
    assertThrows(IllegalArgumentException.class, () -> DpBudget.parseEpsilon("eight"));
    assertTrue(new DpBudget(DpBudget.parseEpsilon("inf"), 0).off());
    assertEquals(8.0, DpBudget.parseEpsilon("8"), 0);
  }
}
