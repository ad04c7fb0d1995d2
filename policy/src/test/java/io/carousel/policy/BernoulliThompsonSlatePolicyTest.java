package io.carousel.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BernoulliThompsonSlatePolicyTest {

  @Test
  void betaDrawsHaveTheBetaMeanAndVarianceIncludingTinyShapes() {
    double[][] shapes = {{3, 2}, {0.5, 50}, {0.02, 4}};
    SplittableRandom rng = new SplittableRandom(11);
    int n = 40_000;
    for (double[] ab : shapes) {
      double a = ab[0];
      double b = ab[1];
      double sum = 0;
      double sumSq = 0;
      for (int i = 0; i < n; i++) {
        double x = BernoulliThompsonSlatePolicy.sampleBeta(a, b, rng);
        assertTrue(x >= 0 && x <= 1, "draw " + x);
        sum += x;
        sumSq += x * x;
      }
      double mean = a / (a + b);
      double var = a * b / ((a + b) * (a + b) * (a + b + 1));
      assertEquals(mean, sum / n, 4 * Math.sqrt(var / n), "mean of Beta(" + a + ", " + b + ")");
      double sampleVar = sumSq / n - (sum / n) * (sum / n);
      assertEquals(var, sampleVar, 0.1 * var, "variance of Beta(" + a + ", " + b + ")");
    }
  }

  @Test
  void monteCarloPropensityMatchesClosedFormForTwoArms() {
    // X ~ Beta(2, 1), Y ~ Beta(1, 1): P(X > Y) = ∫ 2x·x dx = 2/3.
    BetaArms arms = new BetaArms(new double[] {2, 1}, new double[] {1, 1});
    int m = 4000;
    BernoulliThompsonSlatePolicy policy = new BernoulliThompsonSlatePolicy(m);
    SplittableRandom rng = new SplittableRandom(5);
    double se = Math.sqrt((2.0 / 9) / m);
    for (int t = 0; t < 5; t++) {
      Slate s = policy.choose(arms, 1, rng);
      double expected = s.chosen()[0] == 0 ? 2.0 / 3 : 1.0 / 3;
      assertEquals(expected, s.propensities()[0], 3 * se);
    }
    double[][] marg = policy.slotMarginals(arms, 2, rng);
    assertEquals(2.0 / 3, marg[0][0], 3 * se);
    assertEquals(1.0 / 3, marg[1][0], 3 * se);
    assertEquals(1.0, marg[0][0] + marg[0][1], 1e-9);
    assertEquals(1.0, marg[1][0] + marg[1][1], 1e-9);
  }

  @Test
  void confidentArmsAreRankedByMean() {
    BetaArms arms = BetaArms.prior(4, 0.01, 10);
    arms = arms.updated(2, 1, 5000).updated(1, 0.5, 5000).updated(3, 0.2, 5000).updated(0, 0, 5000);
    Slate s = new BernoulliThompsonSlatePolicy(300).choose(arms, 3, new SplittableRandom(2));
    // Means: arm 2 ≈ 1, arm 1 ≈ 0.5, arm 3 ≈ 0.2, arm 0 ≈ 0, each worth 5,000 observations.
    assertArrayEquals(new int[] {2, 1, 3}, s.chosen());
    assertArrayEquals(new double[] {1, 1, 1}, s.propensities(), 0.02);
  }

  @Test
  void sameSeedGivesSameSlateAndNoDuplicates() {
    BetaArms arms = BetaArms.prior(30, 0.005, 100);
    BernoulliThompsonSlatePolicy policy = new BernoulliThompsonSlatePolicy(100);
    assertEquals(
        policy.choose(arms, 3, new SplittableRandom(8)),
        policy.choose(arms, 3, new SplittableRandom(8)));
    SplittableRandom rng = new SplittableRandom(3);
    for (int t = 0; t < 100; t++) {
      SlateAssertions.assertDistinct(policy.choose(arms, 3, rng), 3, 30);
    }
    SlateAssertions.assertDistinct(policy.choose(arms, 50, rng), 30, 30);
  }

  @Test
  void betaArmsPriorAndWeightedUpdate() {
    BetaArms arms = BetaArms.prior(2, 0.2, 10);
    assertArrayEquals(new double[] {2, 2}, arms.alpha(), 1e-12);
    assertArrayEquals(new double[] {8, 8}, arms.beta(), 1e-12);
    BetaArms next = arms.updated(1, 1.0, 2.5);
    assertEquals(4.5 / 12.5, next.mean(1), 1e-12);
    assertEquals(0.2, next.mean(0), 1e-12);
    assertEquals(0.2, arms.mean(1), 1e-12, "update returns a copy");
    assertThrows(IllegalArgumentException.class, () -> arms.updated(2, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> arms.updated(0, 1.5, 1));
    assertThrows(IllegalArgumentException.class, () -> BetaArms.prior(2, 0, 10));
    assertThrows(IllegalArgumentException.class, () -> new BernoulliThompsonSlatePolicy(0));
  }
}
