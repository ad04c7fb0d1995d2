package io.carousel.offline.simulation;

import io.carousel.policy.BernoulliThompsonSlatePolicy;
import io.carousel.policy.BetaArms;
import io.carousel.policy.LinearPosterior;
import io.carousel.policy.PooledPrior;
import io.carousel.policy.SlatePolicy;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * One policy in the replay with all the state it learns: per-user posteriors for the contextual
 * bandits, per-item Beta posteriors for the non-personalised baseline, nothing for the greedy model
 * ranking. Not thread-safe; the replay drives each instance from one thread, in time order.
 */
abstract class ReplayPolicy {
  private final String name;
  private final String settings;

  ReplayPolicy(String name, String settings) {
    this.name = name;
    this.settings = settings;
  }

  /** Returns the name reported in the table, e.g. {@code linucb}. */
  final String name() {
    return name;
  }

  /** Returns a one-line description of the settings. */
  final String settings() {
    return settings;
  }

  /**
   * Returns the slate as indices into {@code candidates} ({@code int[n]} catalogue indices, best
   * model score first) with contexts {@code features} ({@code float[n][16]}).
   */
  abstract int[] serve(int user, int[] candidates, float[][] features, int slateSize);

  /**
   * Learns from the slate {@code shown} (indices into candidates): reward 1 at slot {@code
   * clickedSlot} (−1 if the next item was not shown), 0 for every other shown item.
   */
  abstract void observe(
      int user, int[] candidates, float[][] features, int[] shown, int clickedSlot);

  /**
   * A contextual bandit: one {@link LinearPosterior} per user starting from the shared prior, as
   * the live UserProfile keeps; a slate's K impressions are K Sherman–Morrison updates. With a
   * {@link PooledPrior} the users' posteriors hold only their own data and are centred on a pooled
   * posterior that every user's impressions update (the hierarchical prior).
   */
  static final class Linear extends ReplayPolicy {
    private final SlatePolicy policy;
    private final LinearPosterior prior;
    private final RandomGenerator rng;
    private final LinearPosterior[] posteriors;
    private PooledPrior pool;

    Linear(
        String name,
        String settings,
        SlatePolicy policy,
        LinearPosterior prior,
        int users,
        RandomGenerator rng) {
      this(name, settings, policy, prior, null, users, rng);
    }

    /** A pooled bandit when {@code pool} is not null (then {@code prior} is ignored). */
    Linear(
        String name,
        String settings,
        SlatePolicy policy,
        LinearPosterior prior,
        PooledPrior pool,
        int users,
        RandomGenerator rng) {
      super(name, settings);
      this.policy = policy;
      this.prior = pool != null ? pool.userStart() : prior;
      this.pool = pool;
      this.rng = rng;
      this.posteriors = new LinearPosterior[users];
    }

    @Override
    int[] serve(int user, int[] candidates, float[][] features, int slateSize) {
      LinearPosterior p = posterior(user);
      LinearPosterior view = pool != null ? pool.forUser(p) : p;
      return policy.choose(view, features, slateSize, rng).chosen();
    }

    @Override
    void observe(int user, int[] candidates, float[][] features, int[] shown, int clickedSlot) {
      LinearPosterior p = posterior(user);
      for (int j = 0; j < shown.length; j++) {
        double r = j == clickedSlot ? 1.0 : 0.0;
        p = p.updated(features[shown[j]], r);
        if (pool != null) {
          pool = pool.updated(features[shown[j]], r);
        }
      }
      posteriors[user] = p;
    }

    private LinearPosterior posterior(int user) {
      LinearPosterior p = posteriors[user];
      return p != null ? p : prior;
    }
  }

  /**
   * The non-personalised baseline: Bernoulli Thompson sampling over items with one Beta posterior
   * per catalogue item shared by all users, choosing among the same candidates as the others.
   */
  static final class Bernoulli extends ReplayPolicy {
    private final BernoulliThompsonSlatePolicy policy = new BernoulliThompsonSlatePolicy(1);
    private final double[] alpha;
    private final double[] beta;
    private final RandomGenerator rng;

    Bernoulli(String settings, int items, double priorCtr, double strength, RandomGenerator rng) {
      super(BernoulliThompsonSlatePolicy.ID, settings);
      this.alpha = new double[items];
      this.beta = new double[items];
      Arrays.fill(alpha, strength * priorCtr);
      Arrays.fill(beta, strength * (1 - priorCtr));
      this.rng = rng;
    }

    @Override
    int[] serve(int user, int[] candidates, float[][] features, int slateSize) {
      double[] a = new double[candidates.length];
      double[] b = new double[candidates.length];
      for (int c = 0; c < candidates.length; c++) {
        a[c] = alpha[candidates[c]];
        b[c] = beta[candidates[c]];
      }
      return policy.choose(new BetaArms(a, b), slateSize, rng).chosen();
    }

    @Override
    void observe(int user, int[] candidates, float[][] features, int[] shown, int clickedSlot) {
      for (int j = 0; j < shown.length; j++) {
        int item = candidates[shown[j]];
        if (j == clickedSlot) {
          alpha[item] += 1;
        } else {
          beta[item] += 1;
        }
      }
    }
  }

  /** The model's own ranking without exploration or learning: the top K by model score. */
  static final class Greedy extends ReplayPolicy {
    Greedy() {
      super("greedy-model", "top-K by two-tower score, no learning");
    }

    @Override
    int[] serve(int user, int[] candidates, float[][] features, int slateSize) {
      int[] slate = new int[Math.min(slateSize, candidates.length)];
      for (int j = 0; j < slate.length; j++) {
        slate[j] = j;
      }
      return slate;
    }

    @Override
    void observe(int user, int[] candidates, float[][] features, int[] shown, int clickedSlot) {}
  }
}
