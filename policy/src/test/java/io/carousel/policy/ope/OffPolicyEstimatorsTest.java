package io.carousel.policy.ope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OffPolicyEstimatorsTest {
  private static final double TRUTH = SyntheticBandit.truth();

  @Test
  void truthIsTheHandComputedValue() {
    // c = 0: 0.235 + 0.22 + 0.0925; c = 1: 0.35 + 0.237 + 0.2; mean over the six (c, p) cells.
    assertEquals(1.3345 / 6, TRUTH, 1e-12);
  }

  @Test
  void everyEstimatorsIntervalCoversTheTruth() {
    SyntheticBandit.Sample s = SyntheticBandit.draw(20_000, 42);
    double[][] q = PositionItemRewardModel.fit(s.log(), 10).predictionsFor(s.log());
    Map<Estimator, Estimate> all =
        OffPolicyEstimators.estimateAll(s.log(), s.evalProb(), q, 1000, 7);
    for (Estimator e : Estimator.values()) {
      Estimate est = all.get(e);
      assertTrue(est.covers(TRUTH), e + " " + est + " misses truth " + TRUTH);
      assertTrue(est.lo() < est.value() && est.value() < est.hi(), e + " " + est);
      // The interval is informative: half-width under 0.01 on 20k rows for a value near 0.22.
      assertTrue(est.hi() - est.lo() < 0.02, e + " width " + (est.hi() - est.lo()));
    }
  }

  @Test
  void ipsAndDrAreUnbiasedAndIntervalsCoverAtNominalRate() {
    int repeats = 200;
    double[][] values = new double[Estimator.values().length][repeats];
    int[] covered = new int[Estimator.values().length];
    for (int r = 0; r < repeats; r++) {
      SyntheticBandit.Sample s = SyntheticBandit.draw(1500, 1000 + r);
      // A context-blind reward model: wrong for DR's direct part, so DR must lean on the weights.
      double[][] q = PositionItemRewardModel.fit(s.log(), 5).predictionsFor(s.log());
      for (Estimator e : Estimator.values()) {
        Estimate est = OffPolicyEstimators.estimate(e, s.log(), s.evalProb(), q, 300, r);
        values[e.ordinal()][r] = est.value();
        covered[e.ordinal()] += est.covers(TRUTH) ? 1 : 0;
      }
    }
    for (Estimator e : Estimator.values()) {
      double[] v = values[e.ordinal()];
      double mean = Arrays.stream(v).average().orElseThrow();
      double sd = Math.sqrt(Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / repeats);
      double se = sd / Math.sqrt(repeats);
      assertEquals(TRUTH, mean, 3 * se, e + " mean over repeats (sd " + sd + ")");
      double coverage = covered[e.ordinal()] / (double) repeats;
      assertTrue(coverage >= 0.88 && coverage <= 0.995, e + " coverage " + coverage);
    }
  }

  @Test
  void drWithTheTrueRewardModelHasLowerVarianceThanIps() {
    int repeats = 400;
    double[] ips = new double[repeats];
    double[] dr = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      SyntheticBandit.Sample s = SyntheticBandit.draw(1000, 5000 + r);
      ips[r] = OffPolicyEstimators.pointEstimate(Estimator.IPS, s.log(), s.evalProb(), null);
      dr[r] = OffPolicyEstimators.pointEstimate(Estimator.DR, s.log(), s.evalProb(), s.trueQ());
    }
    double vIps = variance(ips);
    double vDr = variance(dr);
    assertTrue(vDr < 0.95 * vIps, "var DR " + vDr + " vs IPS " + vIps);
    assertEquals(TRUTH, Arrays.stream(dr).average().orElseThrow(), 3 * Math.sqrt(vDr / repeats));
  }

  @Test
  void uniformPolicyOnUniformLogsGivesTheEmpiricalMeanExactly() {
    int n = 6;
    double[] rewards = {0, 1, 0, 0, 1, 1};
    LoggedFeedback log =
        new LoggedFeedback(
            3,
            2,
            new int[] {0, 1, 2, 0, 1, 2},
            new int[] {0, 1, 0, 1, 0, 1},
            rewards,
            new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0, 1 / 3.0, 1 / 3.0, 1 / 3.0});
    double[][] uniform = new double[n][];
    Arrays.fill(uniform, new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0});
    double[][] q = PositionItemRewardModel.fit(log, 0).predictionsFor(log);
    for (Estimator e : Estimator.values()) {
      assertEquals(0.5, OffPolicyEstimators.pointEstimate(e, log, uniform, q), 1e-12, e.name());
    }
    assertEquals(0.5, log.meanReward(), 1e-12);
  }

  @Test
  void bootstrapIsSeededAndPercentilesBracketTheMean() {
    double[] num = {0, 0, 0, 1, 0, 0, 2, 0, 0, 1};
    double[] den = new double[num.length];
    Arrays.fill(den, 1);
    Estimate a = OffPolicyEstimators.bootstrap(num, den, 1000, 3);
    assertEquals(a, OffPolicyEstimators.bootstrap(num, den, 1000, 3));
    assertEquals(0.4, a.value(), 1e-12);
    assertTrue(a.lo() >= 0 && a.lo() < 0.4 && a.hi() > 0.4 && a.hi() <= 1.0, a.toString());
  }

  @Test
  void rewardModelShrinksSparseCellsTowardsTheSlotMean() {
    // Slot 0: item 0 shown twice with one click, item 1 twice without: slot mean 0.25.
    LoggedFeedback log =
        new LoggedFeedback(
            2,
            1,
            new int[] {0, 0, 1, 1},
            new int[] {0, 0, 0, 0},
            new double[] {1, 0, 0, 0},
            new double[] {0.5, 0.5, 0.5, 0.5});
    PositionItemRewardModel m = PositionItemRewardModel.fit(log, 2);
    assertEquals((1 + 2 * 0.25) / 4, m.predict(0, 0), 1e-12);
    assertEquals((0 + 2 * 0.25) / 4, m.predict(1, 0), 1e-12);
  }

  @Test
  void rejectsShapeMismatchAndBadPropensity() {
    SyntheticBandit.Sample s = SyntheticBandit.draw(10, 1);
    assertThrows(
        IllegalArgumentException.class,
        () -> OffPolicyEstimators.estimate(Estimator.IPS, s.log(), new double[9][4], null, 10, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> OffPolicyEstimators.estimate(Estimator.DR, s.log(), s.evalProb(), null, 10, 1));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new LoggedFeedback(
                2, 1, new int[] {0}, new int[] {0}, new double[] {1}, new double[] {0}));
  }

  private static double variance(double[] v) {
    double mean = Arrays.stream(v).average().orElseThrow();
    return Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / (v.length - 1);
  }
}
