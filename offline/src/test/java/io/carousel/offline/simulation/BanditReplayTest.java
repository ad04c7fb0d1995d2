package io.carousel.offline.simulation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.policy.BernoulliThompsonSlatePolicy;
import io.carousel.policy.EpsilonGreedySlatePolicy;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BanditReplayTest {
  private static final int ITEMS = 40;
  private static final int STEPS = 600;

  // One user whose next item is always item 7 or 8, ranked below the top 10 of 20 by the model:
  // the greedy top 10 never hits; ε-greedy's exploration finds them and its posterior moves them
  // up; Bernoulli TS learns the two items' click rates.
  private static CandidateLog log() {
    SplittableRandom rng = new SplittableRandom(3);
    int[] users = new int[STEPS];
    int[] targets = new int[STEPS];
    int[][] cands = new int[STEPS][];
    float[][] scores = new float[STEPS][];
    for (int t = 0; t < STEPS; t++) {
      targets[t] = 7 + (t % 2);
      int[] c = new int[20];
      float[] s = new float[20];
      for (int j = 0; j < 20; j++) {
        c[j] = (j + 9) % 20;
        s[j] = 20 - j;
      }
      cands[t] = c;
      scores[t] = s;
      users[t] = rng.nextInt(1);
    }
    return new CandidateLog(1, users, targets, cands, scores);
  }

  private static float[][] vectors() {
    float[][] v = new float[ITEMS][8];
    for (int i = 0; i < ITEMS; i++) {
      v[i][i % 8] = 1f;
      v[i][(i / 8) % 8] += 0.5f;
    }
    return v;
  }

  @Test
  void explorationLearnsWhatTheGreedyRankingMisses() {
    BanditReplay.Outcome o =
        BanditReplay.run(log(), vectors(), new long[ITEMS], SimulationSettings.defaults());
    assertEquals(STEPS, o.events());
    assertEquals(0, o.policy(BanditReplay.GREEDY).hits());
    assertTrue(o.policy(EpsilonGreedySlatePolicy.ID).hits() > STEPS / 2, o.policies().toString());
    assertTrue(o.policy(BernoulliThompsonSlatePolicy.ID).hits() > STEPS * 9 / 10);
    assertEquals(1.0, o.candidateRecall(), 1e-12);
  }

  @Test
  void sameSeedGivesTheSameCurves() {
    BanditReplay.Outcome a =
        BanditReplay.run(log(), vectors(), new long[ITEMS], SimulationSettings.defaults());
    BanditReplay.Outcome b =
        BanditReplay.run(log(), vectors(), new long[ITEMS], SimulationSettings.defaults());
    for (int p = 0; p < a.policies().size(); p++) {
      assertEquals(a.policies().get(p).hits(), b.policies().get(p).hits());
      assertArrayEquals(a.policies().get(p).curve(), b.policies().get(p).curve());
    }
  }

  @Test
  void popularityIsLogScaledToUnitInterval() {
    float[] p = BanditReplay.popularityFromCounts(new long[] {0, 1, 3});
    assertArrayEquals(new float[] {0f, (float) (Math.log(2) / Math.log(4)), 1f}, p, 1e-6f);
  }

  // 300 users with one step each, next item always 7 or 8 (model ranks 12th and 13th of 20): no
  // single user's posterior can learn it, the pool can, through the trend feature the logged
  // interactions raise for items 7 and 8.
  private static CandidateLog manyUsersLog() {
    int steps = 300;
    int[] users = new int[steps];
    int[] targets = new int[steps];
    int[][] cands = new int[steps][];
    float[][] scores = new float[steps][];
    for (int t = 0; t < steps; t++) {
      users[t] = t;
      targets[t] = 7 + (t % 2);
      cands[t] = new int[20];
      scores[t] = new float[20];
      for (int j = 0; j < 20; j++) {
        cands[t][j] = (j + 15) % 20;
        scores[t][j] = 20 - j;
      }
    }
    return new CandidateLog(steps, users, targets, cands, scores);
  }

  @Test
  void pooledPriorLearnsFromOtherUsersWhatNoSingleUserCan() {
    SimulationSettings perUser =
        SimulationSettings.defaults().withPooling(0, 1000).withTrends(50, 0);
    SimulationSettings pooled =
        SimulationSettings.defaults().withPooling(100, 1000).withTrends(50, 0);
    BanditReplay.Outcome a = BanditReplay.run(manyUsersLog(), vectors(), new long[ITEMS], perUser);
    BanditReplay.Outcome b = BanditReplay.run(manyUsersLog(), vectors(), new long[ITEMS], pooled);
    assertEquals(0, b.policy(BanditReplay.GREEDY).hits());
    long lone = a.policy(EpsilonGreedySlatePolicy.ID).hits();
    long shared = b.policy(EpsilonGreedySlatePolicy.ID).hits();
    assertTrue(lone < 60, a.policies().toString());
    assertTrue(shared > 200, b.policies().toString());
    BanditReplay.Outcome again =
        BanditReplay.run(manyUsersLog(), vectors(), new long[ITEMS], pooled);
    for (int p = 0; p < b.policies().size(); p++) {
      assertEquals(b.policies().get(p).hits(), again.policies().get(p).hits());
    }
  }

  @Test
  void poolPrecisionShrinksOnlyTheItemDirections() {
    SimulationSettings s = SimulationSettings.defaults().withPooling(100, 500);
    double[] p = BanditReplay.poolPrecision(18, s);
    assertEquals(s.priorStrength(), p[0]);
    assertEquals(s.priorStrength(), p[1]);
    assertEquals(s.priorStrength(), p[2]);
    assertEquals(500.0, p[3]);
    assertEquals(500.0, p[15]);
    assertEquals(s.priorStrength(), p[16]);
    assertEquals(s.priorStrength(), p[17]);
  }

  @Test
  void trendHalfLivesSelectTheLayout() {
    SimulationSettings s = SimulationSettings.defaults();
    assertArrayEquals(new double[] {200, 10_000}, BanditReplay.halfLives(s));
    assertArrayEquals(new double[] {50}, BanditReplay.halfLives(s.withTrends(50, 0)));
    assertEquals(0, BanditReplay.halfLives(s.withTrends(0, 10_000)).length);
    assertEquals(18, BanditReplay.layout(BanditReplay.halfLives(s).length).dim());
    assertEquals(16, BanditReplay.layout(0).dim());
  }

  @Test
  void theLongTrendChangesWhatThePoolLearns() {
    // Targets 7 and 8 keep their trend; the long trend only adds evidence, so the run must differ
    // from the single-trend one once the slow feature is in the context.
    SimulationSettings one = SimulationSettings.defaults().withTrends(50, 0);
    SimulationSettings two = SimulationSettings.defaults().withTrends(50, 5000);
    long[] counts = new long[ITEMS];
    int[] warmUp = {1, 2, 3, 1, 2, 1};
    BanditReplay.Outcome a = BanditReplay.run(manyUsersLog(), vectors(), counts, warmUp, one);
    BanditReplay.Outcome b = BanditReplay.run(manyUsersLog(), vectors(), counts, warmUp, two);
    boolean differs = false;
    for (int p = 0; p < 3; p++) {
      differs |= !java.util.Arrays.equals(a.policies().get(p).curve(), b.policies().get(p).curve());
    }
    assertTrue(differs);
  }
}
