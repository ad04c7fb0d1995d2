package io.carousel.http.journal;

import io.carousel.policy.ope.Estimate;
import io.carousel.policy.ope.Estimator;
import io.carousel.policy.ope.LoggedFeedback;
import io.carousel.policy.ope.OffPolicyEstimators;
import io.carousel.policy.ope.PositionItemRewardModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * IPS, SNIPS and DR on the served log ({@link OffPolicyEstimators}, position-aware, bootstrap 95 %
 * intervals) for the logged policy itself and for two alternatives re-scored on the logged
 * features.
 *
 * <p>Actions are local: action j of a round is the item the slate showed in slot j, and one extra
 * action K stands for "an item the slate did not show". The logged policy puts its logged
 * propensity on the logged item and the rest on K, so its IPS and SNIPS equal its on-policy CTR
 * exactly (the sanity check). The alternatives — {@code greedy-model} (rank the shown items by
 * their logged model-score feature x[1]) and {@code epsilon-greedy-model} (the same with ε per
 * slot, marginals from {@link #EPSILON_DRAWS} seeded draws) — can only re-rank the shown items,
 * because unshown candidates have no logged features; their weights π_e/π_0 therefore compare a
 * re-ranking probability with a whole-catalogue propensity, and their estimates are indicative, not
 * unbiased. q̂ for DR is the smoothed per-(action, slot) mean of {@link PositionItemRewardModel}
 * fitted on the same log (Dudík et al. 2011, §3; Saito et al. 2021, §4).
 */
public final class JournalOpe {

  /** Monte Carlo draws per slate for the ε-greedy alternative's slot marginals. */
  public static final int EPSILON_DRAWS = 200;

  /** ε of the ε-greedy alternative. */
  public static final double EPSILON = 0.1;

  /**
   * The result.
   *
   * @param rows (slate, slot) rows evaluated
   * @param slates distinct slates
   * @param onPolicyCtr mean reward per shown slot of the logged policy
   * @param policiesLogged logging policy ids seen in the log
   * @param estimates per evaluated policy, in order logged, greedy-model, epsilon-greedy-model
   */
  public record Result(
      int rows,
      int slates,
      double onPolicyCtr,
      List<String> policiesLogged,
      Map<String, Map<Estimator, Estimate>> estimates) {}

  private JournalOpe() {}

  /**
   * Evaluates {@code rows} (as {@link ServedLog#rows} returns them: slots of a slate adjacent, in
   * slot order) with {@code resamples} bootstrap resamples seeded by {@code seed}; throws
   * IllegalArgumentException if there are no rows.
   */
  public static Result evaluate(List<ServedLog.Row> rows, int resamples, long seed) {
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("the journal holds no served slates");
    }
    int kMax = 0;
    for (ServedLog.Row r : rows) {
      kMax = Math.max(kMax, r.slateSize());
    }
    int n = rows.size();
    int nActions = kMax + 1;
    int[] actions = new int[n];
    int[] positions = new int[n];
    double[] rewards = new double[n];
    double[] pscores = new double[n];
    List<String> logged = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      ServedLog.Row r = rows.get(t);
      actions[t] = r.position();
      positions[t] = r.position();
      rewards[t] = r.reward();
      // Floors a logged 0 (never expected) so that the row stays usable; LinUCB logs exactly 1.
      pscores[t] = Math.min(1.0, Math.max(r.propensity(), 1e-6));
      if (!logged.contains(r.policyId())) {
        logged.add(r.policyId());
      }
    }
    LoggedFeedback log = new LoggedFeedback(nActions, kMax, actions, positions, rewards, pscores);
    double[][] qHat = PositionItemRewardModel.fit(log, 1.0).predictionsFor(log);

    double[][] loggedProb = new double[n][nActions];
    for (int t = 0; t < n; t++) {
      loggedProb[t][actions[t]] = pscores[t];
      loggedProb[t][kMax] = 1.0 - pscores[t];
    }
    double[][] greedy = new double[n][];
    double[][] eps = new double[n][];
    SplittableRandom rng = new SplittableRandom(seed);
    int start = 0;
    int slates = 0;
    while (start < n) {
      int k = rows.get(start).slateSize();
      double[] score = new double[k];
      for (int j = 0; j < k; j++) {
        score[j] = rows.get(start + j).features()[1];
      }
      double[][] g = marginals(score, 0.0, 1, rng);
      double[][] e = marginals(score, EPSILON, EPSILON_DRAWS, rng);
      for (int j = 0; j < k; j++) {
        greedy[start + j] = Arrays.copyOf(g[j], nActions);
        eps[start + j] = Arrays.copyOf(e[j], nActions);
      }
      start += k;
      slates++;
    }
    Map<String, Map<Estimator, Estimate>> out = new java.util.LinkedHashMap<>();
    out.put("logged", OffPolicyEstimators.estimateAll(log, loggedProb, qHat, resamples, seed));
    out.put("greedy-model", OffPolicyEstimators.estimateAll(log, greedy, qHat, resamples, seed));
    out.put(
        "epsilon-greedy-model", OffPolicyEstimators.estimateAll(log, eps, qHat, resamples, seed));
    return new Result(n, slates, log.meanReward(), List.copyOf(logged), out);
  }

  /**
   * Returns {@code double[k][k]}: [slot][item] frequency with which ε-greedy over {@code score}
   * (higher first, ties to the lower index) puts each item in each slot, over {@code draws} draws
   * (ε = 0 needs one draw and is exact).
   */
  static double[][] marginals(double[] score, double epsilon, int draws, SplittableRandom rng) {
    int k = score.length;
    double[][] freq = new double[k][k];
    int[] pool = new int[k];
    for (int d = 0; d < draws; d++) {
      for (int i = 0; i < k; i++) {
        pool[i] = i;
      }
      int remaining = k;
      for (int slot = 0; slot < k; slot++) {
        int best = 0;
        for (int p = 1; p < remaining; p++) {
          int a = pool[p];
          int b = pool[best];
          if (score[a] > score[b] || (score[a] == score[b] && a < b)) {
            best = p;
          }
        }
        int pick = epsilon > 0 && rng.nextDouble() < epsilon ? rng.nextInt(remaining) : best;
        freq[slot][pool[pick]] += 1.0 / draws;
        pool[pick] = pool[remaining - 1];
        remaining--;
      }
    }
    return freq;
  }
}
