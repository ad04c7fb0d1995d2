package io.carousel.offline.ope;

import io.carousel.offline.data.OpenBanditReader;
import io.carousel.offline.data.OpenBanditReader.Round;
import io.carousel.policy.BernoulliThompsonSlatePolicy;
import io.carousel.policy.BetaArms;
import io.carousel.policy.EpsilonGreedySlatePolicy;
import io.carousel.policy.LinUcbSlatePolicy;
import io.carousel.policy.LinearPosterior;
import io.carousel.policy.LinearThompsonSlatePolicy;
import io.carousel.policy.Slate;
import io.carousel.policy.SlatePolicy;
import io.carousel.policy.ope.Estimate;
import io.carousel.policy.ope.Estimator;
import io.carousel.policy.ope.LoggedFeedback;
import io.carousel.policy.ope.OffPolicyEstimators;
import io.carousel.policy.ope.PositionItemRewardModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Off-policy evaluation of Carousel's policies on the Open Bandit Dataset (Saito et al. 2021, "Open
 * Bandit Dataset and Pipeline", §4–5 protocol, on the men/women samples).
 *
 * <p>Protocol: the uniform-random log of a campaign is sorted by time and halved. Every policy
 * learns off-policy from the first half only (importance weight (1/nItems)/π_0, clipped at {@link
 * #MAX_WEIGHT}; it is exactly 1 on the random log), with the context map of {@link ObdFeatures}
 * fitted on that half. Its settings are tuned on a time split of the first half ({@link
 * #TUNE_FRACTION} fit / rest scored by DR) and refitted on the whole first half; the second half is
 * never used to choose anything. The frozen policy's slot distribution π_e(· | x_t, p_t) is then
 * scored on every (round, position) row of the second half with IPS, SNIPS and DR ({@link
 * OffPolicyEstimators}; DR's reward model is {@link PositionItemRewardModel} fitted on the first
 * half). The logged policies' CTRs are the mean clicks of the second halves of their own logs. The
 * BTS log is not used for learning.
 */
public final class OpenBanditOpe {
  /** Slots in the ZOZOTOWN widget. */
  public static final int SLOTS = 3;

  /** Share (by time) of the train half used to fit candidates during tuning. */
  public static final double TUNE_FRACTION = 0.7;

  /** Cap on the importance weight of one training row. */
  public static final double MAX_WEIGHT = 10;

  /** Monte Carlo draws per distinct context for the stochastic policies' slot distributions. */
  public static final int MC_DRAWS = 200;

  /** Ridge prior precision λ of the linear posteriors (shared global prior with mean 0). */
  public static final double RIDGE = 1.0;

  /** Pseudo-rows of DR's reward model. */
  public static final double REWARD_MODEL_SMOOTHING = 20;

  private OpenBanditOpe() {}

  /**
   * One evaluated policy.
   *
   * @param name policy id, e.g. {@code linucb}
   * @param settings the chosen settings, e.g. {@code alpha=0.05}
   * @param estimates IPS, SNIPS and DR with bootstrap 95 % intervals
   */
  public record PolicyResult(String name, String settings, Map<Estimator, Estimate> estimates) {}

  /**
   * The outcome for one campaign.
   *
   * @param campaign men or women
   * @param rowsTrain rows of the random log's first half (learning)
   * @param rowsEval rows of the random log's second half (estimation)
   * @param randomCtr mean click of the random log's second half
   * @param btsCtr mean click of the BTS log's second half
   * @param randomCtrFull mean click of the whole random log
   * @param btsCtrFull mean click of the whole BTS log
   * @param policies evaluated policies in a fixed order
   */
  public record Report(
      String campaign,
      int rowsTrain,
      int rowsEval,
      double randomCtr,
      double btsCtr,
      double randomCtrFull,
      double btsCtrFull,
      List<PolicyResult> policies) {

    /** Returns the learned (non-random) policy with the highest DR point estimate. */
    public PolicyResult bestByDr() {
      return policies.stream()
          .filter(p -> !p.name().equals("random"))
          .max((a, b) -> Double.compare(dr(a).value(), dr(b).value()))
          .orElseThrow();
    }

    /** Returns true if the best DR is >= 1.2 × randomCtr with its lower bound above randomCtr. */
    public boolean goalMet() {
      Estimate best = dr(bestByDr());
      return best.value() >= 1.2 * randomCtr && best.lo() > randomCtr;
    }

    private static Estimate dr(PolicyResult p) {
      return p.estimates().get(Estimator.DR);
    }
  }

  /** A policy frozen after learning: slot distribution {@code double[SLOTS][nItems]} per row. */
  private interface Fitted {
    double[][] marginals(Round r, float[][] candidates, SplittableRandom rng);
  }

  /** A policy family member: its name, settings and how to learn it from training rows. */
  private record Candidate(String name, String settings, Function<Training, Fitted> learn) {}

  private record Training(List<Round> rows, ObdFeatures features, int nItems, double meanCtr) {}

  /**
   * Runs the protocol for {@code campaign} with {@code resamples} bootstrap resamples and master
   * seed {@code seed}; throws {@link io.carousel.offline.data.DatasetMissingException} when the
   * logs are absent and IllegalArgumentException for an unknown campaign.
   */
  public static Report run(Path dataRoot, String campaign, int resamples, long seed) {
    OpenBanditReader.Log random = OpenBanditReader.read(dataRoot, "random", campaign);
    OpenBanditReader.Log bts = OpenBanditReader.read(dataRoot, "bts", campaign);
    List<Round> rows = random.rounds();
    int half = rows.size() / 2;
    List<Round> train = rows.subList(0, half);
    List<Round> eval = rows.subList(half, rows.size());
    List<Round> btsEval = bts.rounds().subList(bts.rounds().size() / 2, bts.rounds().size());
    int nItems = random.nItems();

    List<PolicyResult> results = new ArrayList<>();
    for (List<Candidate> family : families()) {
      Candidate chosen = tune(family, random, train, seed);
      Fitted fitted = chosen.learn().apply(training(random, train));
      ObdFeatures features = new ObdFeatures(random.items(), train);
      LoggedFeedback trainLog = feedback(train, nItems);
      LoggedFeedback evalLog = feedback(eval, nItems);
      double[][] q =
          PositionItemRewardModel.fit(trainLog, REWARD_MODEL_SMOOTHING).predictionsFor(evalLog);
      double[][] pi = evalProbabilities(fitted, eval, features, seed);
      results.add(
          new PolicyResult(
              chosen.name(),
              chosen.settings(),
              OffPolicyEstimators.estimateAll(evalLog, pi, q, resamples, seed)));
    }
    return new Report(
        campaign,
        train.size(),
        eval.size(),
        ctr(eval),
        ctr(btsEval),
        ctr(rows),
        ctr(bts.rounds()),
        List.copyOf(results));
  }

  // Picks the family member with the best DR on the later part of the train half.
  private static Candidate tune(
      List<Candidate> family, OpenBanditReader.Log log, List<Round> train, long seed) {
    if (family.size() == 1) {
      return family.get(0);
    }
    int cut = (int) (train.size() * TUNE_FRACTION);
    List<Round> fit = train.subList(0, cut);
    List<Round> score = train.subList(cut, train.size());
    int nItems = log.nItems();
    ObdFeatures features = new ObdFeatures(log.items(), fit);
    LoggedFeedback fitLog = feedback(fit, nItems);
    LoggedFeedback scoreLog = feedback(score, nItems);
    double[][] q =
        PositionItemRewardModel.fit(fitLog, REWARD_MODEL_SMOOTHING).predictionsFor(scoreLog);
    Candidate best = null;
    double bestValue = Double.NEGATIVE_INFINITY;
    for (Candidate c : family) {
      Fitted f = c.learn().apply(training(log, fit));
      double[][] pi = evalProbabilities(f, score, features, seed);
      double v = OffPolicyEstimators.pointEstimate(Estimator.DR, scoreLog, pi, q);
      if (v > bestValue) {
        bestValue = v;
        best = c;
      }
    }
    return best;
  }

  private static List<List<Candidate>> families() {
    List<Candidate> linucb = new ArrayList<>();
    for (double alpha : new double[] {0.0, 0.01, 0.05, 0.2}) {
      linucb.add(
          new Candidate(
              LinUcbSlatePolicy.ID,
              "alpha=" + alpha,
              t -> slatePolicy(new LinUcbSlatePolicy(alpha), t, 1)));
    }
    List<Candidate> linTs = new ArrayList<>();
    for (double v : new double[] {0.02, 0.07, 0.2}) {
      linTs.add(
          new Candidate(
              LinearThompsonSlatePolicy.ID,
              "v=" + v + ", M=" + MC_DRAWS,
              t -> slatePolicy(new LinearThompsonSlatePolicy(v, 1), t, MC_DRAWS)));
    }
    List<Candidate> greedy =
        List.of(
            new Candidate(
                EpsilonGreedySlatePolicy.ID,
                "epsilon=0.1, M=" + MC_DRAWS,
                t -> slatePolicy(new EpsilonGreedySlatePolicy(0.1), t, MC_DRAWS)));
    List<Candidate> bernoulli = new ArrayList<>();
    for (double strength : new double[] {10, 100, 1000}) {
      bernoulli.add(
          new Candidate(
              BernoulliThompsonSlatePolicy.ID,
              "prior strength=" + strength + ", M=10000",
              t -> bernoulliTs(strength, t)));
    }
    List<Candidate> uniform =
        List.of(new Candidate("random", "uniform (sanity check)", OpenBanditOpe::uniform));
    return List.of(linucb, linTs, greedy, bernoulli, uniform);
  }

  // Learns a linear posterior from the training rows and freezes the slate policy on it.
  private static Fitted slatePolicy(SlatePolicy policy, Training t, int draws) {
    LinearPosterior posterior = LinearPosterior.prior(ObdFeatures.DIM, RIDGE);
    for (Round r : t.rows()) {
      double w = weight(r, t.nItems());
      float[] x = t.features().candidates(r)[r.itemId()].clone();
      float root = (float) Math.sqrt(w);
      for (int d = 0; d < x.length; d++) {
        x[d] *= root;
      }
      // A + w·xxᵀ and b + w·r·x, as one rank-1 update of √w·x with reward √w·r.
      posterior = posterior.updated(x, r.click() * Math.sqrt(w));
    }
    LinearPosterior frozen = posterior;
    return (round, candidates, rng) -> {
      double[][] m = new double[SLOTS][candidates.length];
      double unit = 1.0 / draws;
      for (int i = 0; i < draws; i++) {
        Slate s = policy.choose(frozen, candidates, SLOTS, rng);
        for (int j = 0; j < s.size(); j++) {
          m[j][s.chosen()[j]] += unit;
        }
      }
      return m;
    };
  }

  private static Fitted bernoulliTs(double strength, Training t) {
    BetaArms arms = BetaArms.prior(t.nItems(), Math.max(t.meanCtr(), 1e-4), strength);
    for (Round r : t.rows()) {
      arms = arms.updated(r.itemId(), r.click(), weight(r, t.nItems()));
    }
    double[][] m =
        new BernoulliThompsonSlatePolicy(10_000)
            .slotMarginals(arms, SLOTS, new SplittableRandom(t.rows().size()));
    return (round, candidates, rng) -> m;
  }

  private static Fitted uniform(Training t) {
    double[][] m = new double[SLOTS][t.nItems()];
    for (double[] row : m) {
      java.util.Arrays.fill(row, 1.0 / t.nItems());
    }
    return (round, candidates, rng) -> m;
  }

  // π_e(· | x_t, p_t) per row, computed once per distinct context with a context-seeded stream.
  private static double[][] evalProbabilities(
      Fitted f, List<Round> rows, ObdFeatures features, long seed) {
    Map<String, double[][]> cache = new HashMap<>();
    double[][] pi = new double[rows.size()][];
    for (int t = 0; t < rows.size(); t++) {
      Round r = rows.get(t);
      String key = ObdFeatures.contextKey(r);
      double[][] m =
          cache.computeIfAbsent(
              key,
              k ->
                  f.marginals(
                      r, features.candidates(r), new SplittableRandom(seed * 31 + k.hashCode())));
      pi[t] = m[r.position() - 1];
    }
    return pi;
  }

  private static Training training(OpenBanditReader.Log log, List<Round> rows) {
    return new Training(rows, new ObdFeatures(log.items(), rows), log.nItems(), ctr(rows));
  }

  private static double weight(Round r, int nItems) {
    return Math.min(MAX_WEIGHT, (1.0 / nItems) / r.propensity());
  }

  /** Returns the rows as position-aware feedback (slot = position − 1). */
  static LoggedFeedback feedback(List<Round> rows, int nItems) {
    int n = rows.size();
    int[] actions = new int[n];
    int[] positions = new int[n];
    double[] rewards = new double[n];
    double[] pscores = new double[n];
    for (int t = 0; t < n; t++) {
      Round r = rows.get(t);
      actions[t] = r.itemId();
      positions[t] = r.position() - 1;
      rewards[t] = r.click();
      pscores[t] = r.propensity();
    }
    return new LoggedFeedback(nItems, SLOTS, actions, positions, rewards, pscores);
  }

  private static double ctr(List<Round> rows) {
    return rows.stream().mapToDouble(Round::click).average().orElse(0);
  }
}
