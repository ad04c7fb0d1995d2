package io.carousel.policy;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.random.RandomGenerator.SplittableGenerator;

/**
 * Non-personalised Bernoulli Thompson sampling slate policy: draw p̃_a ~ Beta(α_a, β_a) for every
 * arm, show the {@code slateSize} arms with the highest draws (ties to the lower index) (Chapelle
 * &amp; Li 2011, "An Empirical Evaluation of Thompson Sampling", §2, Algorithm 2; the logging
 * policy "Bernoulli TS" of Saito et al. 2021, "Open Bandit Dataset and Pipeline", §3, which also
 * reads slot propensities off repeated draws).
 *
 * <p>Beta draws are X/(X + Y) with X ~ Gamma(α), Y ~ Gamma(β) from Marsaglia &amp; Tsang 2000, "A
 * Simple Method for Generating Gamma Variables", §3 (and §6's U^{1/a} boost for shape < 1), kept in
 * log space so that the tiny shapes of a low-CTR prior cannot underflow to 0/0.
 *
 * <p>Propensity: {@code propensities[j]} estimates the marginal probability that a fresh draw puts
 * the chosen arm in slot j, as the hit frequency over M = {@code monteCarloDraws} further draws
 * from a generator split from {@code rng}, floored at 1/(2M); standard error sqrt(p(1 − p)/M), at
 * most 0.016 for M = 1000. {@link #slotMarginals} returns the whole [slot][arm] table of those
 * frequencies (unfloored, each row sums to 1). Cost O(M·n·(1 + log slateSize)).
 *
 * <p>Draws and heap live in scratch arrays owned by the instance and reused across calls, so an
 * instance is <b>not thread-safe</b>: use one per actor or thread.
 */
public final class BernoulliThompsonSlatePolicy implements ArmSlatePolicy {

  /** Identifier logged with every slate. */
  public static final String ID = "bernoulli-ts";

  private final int monteCarloDraws;
  private double[] draws = new double[0];
  private int[] ranked = new int[0];

  /** Creates the policy with M = {@code monteCarloDraws} (>= 1); throws otherwise. */
  public BernoulliThompsonSlatePolicy(int monteCarloDraws) {
    if (monteCarloDraws < 1) {
      throw new IllegalArgumentException("monteCarloDraws must be >= 1, got " + monteCarloDraws);
    }
    this.monteCarloDraws = monteCarloDraws;
  }

  /** Returns M, the number of Monte Carlo draws per propensity estimate. */
  public int monteCarloDraws() {
    return monteCarloDraws;
  }

  /** Returns {@code "bernoulli-ts"}. */
  @Override
  public String id() {
    return ID;
  }

  /** Returns the top of one posterior draw with Monte Carlo marginal propensities. */
  @Override
  public Slate choose(BetaArms arms, int slateSize, RandomGenerator rng) {
    int len = slateLength(arms, slateSize);
    drawRanking(arms, len, rng);
    int[] chosen = new int[len];
    System.arraycopy(ranked, 0, chosen, 0, len);
    RandomGenerator mc = split(rng);
    int[] hits = new int[len];
    for (int m = 0; m < monteCarloDraws; m++) {
      drawRanking(arms, len, mc);
      for (int j = 0; j < len; j++) {
        if (ranked[j] == chosen[j]) {
          hits[j]++;
        }
      }
    }
    double[] propensities = new double[len];
    double floor = 0.5 / monteCarloDraws;
    for (int j = 0; j < len; j++) {
      propensities[j] = Math.max(floor, (double) hits[j] / monteCarloDraws);
    }
    return new Slate(chosen, propensities);
  }

  /** Returns the Monte Carlo [slot][arm] frequencies over M draws from a split of {@code rng}. */
  @Override
  public double[][] slotMarginals(BetaArms arms, int slateSize, RandomGenerator rng) {
    int len = slateLength(arms, slateSize);
    RandomGenerator mc = split(rng);
    double[][] freq = new double[len][arms.size()];
    double unit = 1.0 / monteCarloDraws;
    for (int m = 0; m < monteCarloDraws; m++) {
      drawRanking(arms, len, mc);
      for (int j = 0; j < len; j++) {
        freq[j][ranked[j]] += unit;
      }
    }
    return freq;
  }

  /**
   * Returns one draw from Beta(a, b) (a, b > 0) using {@code rng}, as exp(lx)/(exp(lx) + exp(ly))
   * of log-Gamma variates.
   */
  static double sampleBeta(double a, double b, RandomGenerator rng) {
    double lx = logGamma(a, rng);
    double ly = logGamma(b, rng);
    return 1.0 / (1.0 + Math.exp(ly - lx));
  }

  // log of a Gamma(shape, 1) variate: Marsaglia–Tsang for shape >= 1, boosted for shape < 1.
  private static double logGamma(double shape, RandomGenerator rng) {
    if (shape < 1) {
      double u = 1.0 - rng.nextDouble(); // in (0, 1], so log(u) is finite
      return logGamma(shape + 1, rng) + Math.log(u) / shape;
    }
    double d = shape - 1.0 / 3.0;
    double c = 1.0 / Math.sqrt(9 * d);
    while (true) {
      double x = rng.nextGaussian();
      double v = 1 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = 1.0 - rng.nextDouble();
      double x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) {
        return Math.log(d) + Math.log(v);
      }
    }
  }

  private void drawRanking(BetaArms arms, int len, RandomGenerator rng) {
    int n = arms.size();
    double[] alpha = arms.alpha();
    double[] beta = arms.beta();
    for (int a = 0; a < n; a++) {
      draws[a] = sampleBeta(alpha[a], beta[a], rng);
    }
    TopK.select(draws, len, null, ranked);
  }

  private int slateLength(BetaArms arms, int slateSize) {
    if (slateSize <= 0) {
      throw new IllegalArgumentException("slateSize must be >= 1, got " + slateSize);
    }
    int n = arms.size();
    if (draws.length != n) {
      draws = new double[n];
    }
    int len = Math.min(slateSize, n);
    if (ranked.length < len) {
      ranked = new int[len];
    }
    return len;
  }

  private static RandomGenerator split(RandomGenerator rng) {
    return rng instanceof SplittableGenerator s ? s.split() : new SplittableRandom(rng.nextLong());
  }
}
