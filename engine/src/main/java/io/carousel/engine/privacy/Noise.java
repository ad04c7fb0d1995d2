package io.carousel.engine.privacy;

import java.security.SecureRandom;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.apache.commons.math3.special.Erf;

/**
 * Noise for the DP mechanisms and their calibration. Draws come from the JDK's {@link
 * RandomGenerator} (Java 17): {@code nextExponential} (Laplace(0, b) = b·(E₁ − E₂) for independent
 * Exp(1)) and {@code nextGaussian}; Φ and Φ⁻¹ come from commons-math3's {@link Erf}.
 *
 * <ul>
 *   <li>Laplace mechanism (Dwork &amp; Roth 2014, Thm. 3.6): scale b = Δ₁/ε gives ε-DP for a
 *       statistic whose L1 sensitivity (largest change one user can cause) is Δ₁; variance 2b².
 *   <li>Gaussian mechanism, analytic calibration (Balle &amp; Wang, "Improving the Gaussian
 *       Mechanism for Differential Privacy", ICML 2018, Thm. 8): N(0, σ²) on a statistic of L2
 *       sensitivity Δ₂ is (ε, δ)-DP iff Φ(Δ₂/(2σ) − εσ/Δ₂) − e^ε Φ(−Δ₂/(2σ) − εσ/Δ₂) ≤ δ; {@link
 *       #gaussianSigma} returns the smallest such σ by bisection. Unlike the classic σ = Δ₂ √(2
 *       ln(1.25/δ))/ε it holds for every ε, not only ε &lt; 1.
 * </ul>
 *
 * <p>Limits: double-precision samplers leak through the low bits of their output (Mironov, "On
 * Significance of the Least Significant Bits for Differential Privacy", CCS 2012); the released
 * statistics here are rounded/thresholded and used as ranking weights, which blurs but does not
 * formally close that channel (docs/security.md). Not thread-safe: one instance per statistic.
 */
public final class Noise {
  private final RandomGenerator rng;

  private Noise(RandomGenerator rng) {
    this.rng = rng;
  }

  /** Returns repeatable noise from {@code seed} (experiments and tests only). */
  public static Noise seeded(long seed) {
    return new Noise(RandomGeneratorFactory.of("L64X128MixRandom").create(seed));
  }

  /** Returns noise from a {@link SecureRandom} (production). */
  public static Noise secure() {
    return new Noise(new SecureRandom());
  }

  /** Returns one Laplace(0, scale) draw; scale 0 gives 0. */
  public double laplace(double scale) {
    return scale == 0 ? 0 : scale * (rng.nextExponential() - rng.nextExponential());
  }

  /** Returns one N(0, sigma²) draw; sigma 0 gives 0. */
  public double gaussian(double sigma) {
    return sigma == 0 ? 0 : sigma * rng.nextGaussian();
  }

  /**
   * Returns the Laplace scale b = Δ₁/ε for ε-DP; throws IllegalArgumentException unless Δ₁ ≥ 0 and
   * ε &gt; 0 are finite.
   */
  public static double laplaceScale(double l1Sensitivity, double epsilon) {
    check(l1Sensitivity, epsilon);
    return l1Sensitivity / epsilon;
  }

  /**
   * Returns the smallest σ for which N(0, σ²) on a statistic of L2 sensitivity Δ₂ is (ε, δ)-DP
   * (analytic Gaussian mechanism), to a relative precision of 1e-9; throws IllegalArgumentException
   * unless Δ₂ ≥ 0 and ε &gt; 0 are finite and δ is in (0, 1).
   */
  public static double gaussianSigma(double l2Sensitivity, double epsilon, double delta) {
    check(l2Sensitivity, epsilon);
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException(
          "the Gaussian mechanism needs delta in (0, 1), got " + delta);
    }
    if (l2Sensitivity == 0) {
      return 0;
    }
    // δ(σ) falls as σ grows; bracket, then bisect in units of Δ₂.
    double lo = 0;
    double hi = 1;
    while (gaussianDelta(hi, 1, epsilon) > delta) {
      lo = hi;
      hi *= 2;
    }
    for (int it = 0; it < 200 && hi - lo > 1e-9 * hi; it++) {
      double mid = 0.5 * (lo + hi);
      if (gaussianDelta(mid, 1, epsilon) > delta) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return hi * l2Sensitivity;
  }

  /**
   * Returns the exact δ of N(0, σ²) on a statistic of L2 sensitivity Δ₂ at ε: Φ(Δ₂/(2σ) − εσ/Δ₂) −
   * e^ε Φ(−Δ₂/(2σ) − εσ/Δ₂) (Balle &amp; Wang 2018, Thm. 8).
   */
  public static double gaussianDelta(double sigma, double l2Sensitivity, double epsilon) {
    if (sigma <= 0) {
      return 1;
    }
    double a = l2Sensitivity / (2 * sigma);
    double b = epsilon * sigma / l2Sensitivity;
    double d = phi(a - b) - Math.exp(epsilon) * phi(-a - b);
    return Math.max(0, d);
  }

  /**
   * Returns the release threshold τ of Gaussian partition selection: when a user adds at most 1 to
   * each of at most {@code keysPerUser} keys, a key only that user has (count ≤ 1) passes {@code
   * count + N(0, σ²) ≥ τ} with probability ≤ δ/keysPerUser, so all of them together with
   * probability ≤ δ (union bound; Wilson et al., "Differentially Private SQL with Bounded User
   * Contribution", PoPETs 2020, §3). τ = 1 + σ·Φ⁻¹(1 − δ/keysPerUser).
   */
  public static double threshold(double sigma, int keysPerUser, double delta) {
    if (!(delta > 0 && delta < 1) || keysPerUser < 1) {
      throw new IllegalArgumentException(
          "threshold needs delta in (0, 1) and keysPerUser >= 1: " + delta + ", " + keysPerUser);
    }
    // Φ⁻¹(1 − p) = √2·erfc⁻¹(2p), accurate for tiny p (no 1 − p rounding).
    return 1 + sigma * Math.sqrt(2) * Erf.erfcInv(2 * delta / keysPerUser);
  }

  /** Standard normal CDF Φ(x) = erfc(−x/√2)/2. */
  static double phi(double x) {
    return 0.5 * Erf.erfc(-x / Math.sqrt(2));
  }

  private static void check(double sensitivity, double epsilon) {
    if (!(sensitivity >= 0) || Double.isInfinite(sensitivity)) {
      throw new IllegalArgumentException("sensitivity must be finite and >= 0, got " + sensitivity);
    }
    if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("epsilon must be finite and > 0, got " + epsilon);
    }
  }
}
