package io.carousel.offline.ope;

import io.carousel.policy.EpsilonGreedySlatePolicy;
import io.carousel.policy.ope.Estimate;
import io.carousel.policy.ope.Estimator;
import io.carousel.policy.ope.LoggedFeedback;
import io.carousel.policy.ope.OffPolicyEstimators;
import io.carousel.policy.ope.PositionItemRewardModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * IPS, SNIPS and DR on the served log ({@link OffPolicyEstimators}, position-aware, bootstrap 95 %
 * intervals) for the logged policy itself and for ε-greedy alternatives of an ε-greedy log.
 *
 * <p>Actions are local: action j of a round is the item the slate showed in slot j, and one extra
 * action K stands for "any item the slate did not show in that slot". The logged policy puts its
 * logged propensity on the logged item and the rest on K, so its IPS and SNIPS equal its on-policy
 * CTR exactly (the sanity check). Alternatives: the journal keeps the features of the shown items
 * only, so a policy cannot be re-scored over the unshown candidates; but an ε-greedy log's
 * propensity tells, per slot, whether the item was the greedy pick (1 − ε + ε/n) or an exploration
 * pick (ε/n), and n. That gives the exact conditional probability π_e = 1 − ε' + ε'/n or ε'/n of
 * the same ranking with another ε' ({@code greedy-model} is ε' = 0), per slot given the logged
 * earlier slots (the per-slot approximation of position-aware IPS; Saito et al. 2021, "Open Bandit
 * Dataset and Pipeline", §4). Rows logged by any other policy are not reweighted for alternatives.
 * q̂ for DR is the smoothed per-(action, slot) mean of {@link PositionItemRewardModel} fitted on
 * the same log (Dudík et al. 2011, "Doubly Robust Policy Evaluation and Learning", §3).
 */
public final class JournalOpe {

  /** ε' of the evaluated ε-greedy alternatives; 0 is the greedy model ranking. */
  public static final double[] ALTERNATIVE_EPSILONS = {0.0, 0.05, 0.2};

  /**
   * The result.
   *
   * @param rows (slate, slot) rows evaluated
   * @param slates distinct slates
   * @param onPolicyCtr mean reward per shown slot of the logged policy
   * @param policiesLogged logging policy ids seen in the log
   * @param estimates per evaluated policy: logged, then the ε-greedy alternatives (if ε-greedy rows
   *     exist)
   */
  public record Result(
      int rows,
      int slates,
      double onPolicyCtr,
      List<String> policiesLogged,
      Map<String, Map<Estimator, Estimate>> estimates) {}

  private JournalOpe() {}

  /**
   * Evaluates {@code rows} (as {@link ServedLog#rows} returns them) with {@code resamples}
   * bootstrap resamples seeded by {@code seed}; {@code loggedEpsilon} in (0, 0.5) is the ε the
   * ε-greedy rows were served with; throws IllegalArgumentException if there are no rows.
   */
  public static Result evaluate(
      List<ServedLog.Row> rows, double loggedEpsilon, int resamples, long seed) {
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
    Map<String, Map<Estimator, Estimate>> out = new LinkedHashMap<>();
    out.put("logged", OffPolicyEstimators.estimateAll(log, loggedProb, qHat, resamples, seed));
    boolean anyEpsilon = false;
    for (ServedLog.Row r : rows) {
      anyEpsilon |= EpsilonGreedySlatePolicy.ID.equals(r.policyId());
    }
    for (double eps : anyEpsilon ? ALTERNATIVE_EPSILONS : new double[0]) {
      double[][] prob = new double[n][nActions];
      for (int t = 0; t < n; t++) {
        ServedLog.Row r = rows.get(t);
        double p =
            EpsilonGreedySlatePolicy.ID.equals(r.policyId())
                ? alternativeProb(pscores[t], loggedEpsilon, eps)
                : pscores[t];
        prob[t][actions[t]] = p;
        prob[t][kMax] = 1.0 - p;
      }
      String name =
          eps == 0 ? "greedy-model" : String.format(Locale.ROOT, "epsilon-greedy(%.2f)", eps);
      out.put(name, OffPolicyEstimators.estimateAll(log, prob, qHat, resamples, seed));
    }
    int slates = 0;
    for (ServedLog.Row r : rows) {
      slates += r.position() == 0 ? 1 : 0;
    }
    return new Result(n, slates, log.meanReward(), List.copyOf(logged), out);
  }

  /**
   * Returns π_e of ε-greedy with {@code evalEpsilon} for a slot that ε-greedy with {@code
   * loggedEpsilon} (in (0, 0.5)) logged with conditional propensity {@code loggedProp}: the slot
   * was the greedy pick iff loggedProp ≥ 1 − ε, and n = ε/(p − 1 + ε) or ε/p remaining candidates.
   */
  static double alternativeProb(double loggedProp, double loggedEpsilon, double evalEpsilon) {
    boolean greedy = loggedProp >= 1 - loggedEpsilon - 1e-9;
    double uniform = greedy ? loggedProp - (1 - loggedEpsilon) : loggedProp;
    double n = uniform > 0 ? Math.max(1.0, Math.rint(loggedEpsilon / uniform)) : 1.0;
    return greedy ? 1 - evalEpsilon + evalEpsilon / n : evalEpsilon / n;
  }
}
