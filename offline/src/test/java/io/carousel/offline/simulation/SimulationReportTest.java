package io.carousel.offline.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.carousel.policy.EpsilonGreedySlatePolicy;
import io.carousel.policy.LinUcbSlatePolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Several policy seeds over one candidate log: what {@code simulate --seeds N} reports. */
class SimulationReportTest {
  private static final int ITEMS = 30;
  private static final int STEPS = 400;

  // Three users; the next item is a random one of the 20 candidates, so greedy hits about half.
  private static CandidateLog log() {
    SplittableRandom rng = new SplittableRandom(5);
    int[] users = new int[STEPS];
    int[] targets = new int[STEPS];
    int[][] cands = new int[STEPS][];
    float[][] scores = new float[STEPS][];
    for (int t = 0; t < STEPS; t++) {
      int[] c = new int[20];
      float[] s = new float[20];
      for (int j = 0; j < 20; j++) {
        c[j] = (j * 7 + t) % ITEMS;
        s[j] = 20 - j;
      }
      cands[t] = c;
      scores[t] = s;
      targets[t] = c[rng.nextInt(20)];
      users[t] = rng.nextInt(3);
    }
    return new CandidateLog(3, users, targets, cands, scores);
  }

  @Test
  void seedsVaryOnlyTheRandomisedPoliciesAndRatiosArePerSeed() {
    float[][] vectors = new float[ITEMS][4];
    for (int i = 0; i < ITEMS; i++) {
      vectors[i][i % 4] = 1f;
    }
    CandidateLog log = log();
    SimulationSettings s = SimulationSettings.defaults().withExploration(0.3, 0.03, 0.003, 1.0);
    List<BanditReplay.Outcome> outcomes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      outcomes.add(BanditReplay.run(log, vectors, new long[ITEMS], s.withSeed(s.seed() + i)));
    }
    Simulation.Report r =
        new Simulation.Report("synthetic", "report", 0, STEPS, 0, 0, s, outcomes.get(0), outcomes);
    double[] best = r.bestOverGreedy();
    assertEquals(3, best.length);
    for (int i = 0; i < 3; i++) {
      BanditReplay.Outcome o = outcomes.get(i);
      double greedy = o.policy(BanditReplay.GREEDY).hits();
      assertEquals(o.bestPerUserBandit().hits() / greedy, best[i], 1e-12);
    }
    double[] ucb = r.overGreedy(LinUcbSlatePolicy.ID);
    assertEquals(ucb[0], ucb[1], 0.0, "LinUCB draws no random numbers");
    assertEquals(ucb[0], ucb[2], 0.0);
    double[] eps = r.hitRates(EpsilonGreedySlatePolicy.ID);
    assertNotEquals(eps[0], eps[1], "ε-greedy explores differently under another seed");
  }
}
