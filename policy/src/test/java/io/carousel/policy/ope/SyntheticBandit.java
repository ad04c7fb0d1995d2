package io.carousel.policy.ope;

import java.util.SplittableRandom;

/**
 * Test fixture: a synthetic slate bandit with a known truth. Each row has a binary context c
 * (probability 1/2) and a uniformly drawn slot p of 3; the logging policy shows item a with
 * probability LOG[p][a]; the click probability is Q[c][p][a]; the evaluation policy shows a with
 * probability EVAL[c][p][a].
 */
final class SyntheticBandit {
  static final int ACTIONS = 4;
  static final int POSITIONS = 3;

  static final double[][] LOG = {
    {0.4, 0.3, 0.2, 0.1}, {0.25, 0.25, 0.25, 0.25}, {0.1, 0.2, 0.3, 0.4}
  };
  static final double[][][] Q = {
    {{0.10, 0.20, 0.30, 0.05}, {0.08, 0.15, 0.25, 0.04}, {0.05, 0.10, 0.20, 0.02}},
    {{0.40, 0.05, 0.10, 0.30}, {0.30, 0.04, 0.08, 0.25}, {0.20, 0.02, 0.05, 0.20}}
  };
  static final double[][][] EVAL = {
    {{0.1, 0.2, 0.6, 0.1}, {0.0, 0.3, 0.7, 0.0}, {0.25, 0.25, 0.25, 0.25}},
    {{0.7, 0.0, 0.1, 0.2}, {0.5, 0.1, 0.1, 0.3}, {0.4, 0.0, 0.0, 0.6}}
  };

  private SyntheticBandit() {}

  /** Returns the true value E_{c,p} Σ_a EVAL·Q. */
  static double truth() {
    double v = 0;
    for (int c = 0; c < 2; c++) {
      for (int p = 0; p < POSITIONS; p++) {
        for (int a = 0; a < ACTIONS; a++) {
          v += EVAL[c][p][a] * Q[c][p][a] / (2.0 * POSITIONS);
        }
      }
    }
    return v;
  }

  /** A generated log with its evaluation-policy table, true q and contexts. */
  record Sample(LoggedFeedback log, double[][] evalProb, double[][] trueQ, int[] contexts) {}

  /** Returns n rows drawn with {@code seed}. */
  static Sample draw(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int[] actions = new int[n];
    int[] positions = new int[n];
    double[] rewards = new double[n];
    double[] pscores = new double[n];
    double[][] evalProb = new double[n][];
    double[][] trueQ = new double[n][];
    int[] contexts = new int[n];
    for (int t = 0; t < n; t++) {
      int c = rng.nextInt(2);
      int p = rng.nextInt(POSITIONS);
      int a = categorical(LOG[p], rng.nextDouble());
      contexts[t] = c;
      actions[t] = a;
      positions[t] = p;
      pscores[t] = LOG[p][a];
      rewards[t] = rng.nextDouble() < Q[c][p][a] ? 1 : 0;
      evalProb[t] = EVAL[c][p];
      trueQ[t] = Q[c][p];
    }
    return new Sample(
        new LoggedFeedback(ACTIONS, POSITIONS, actions, positions, rewards, pscores),
        evalProb,
        trueQ,
        contexts);
  }

  private static int categorical(double[] probs, double u) {
    double cum = 0;
    for (int a = 0; a < probs.length; a++) {
      cum += probs[a];
      if (u < cum) {
        return a;
      }
    }
    return probs.length - 1;
  }
}
