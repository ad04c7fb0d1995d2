package io.carousel.user;

import io.carousel.policy.ContextFeatures;
import io.carousel.policy.LinearPosterior;
import io.carousel.policy.PackedPosterior;
import io.carousel.policy.PooledPrior;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a node keeps and serves every user's linear-bandit posterior over {@code dim} context
 * features, in one of two forms ({@code carousel.user-profile.pooled-prior.enabled}):
 *
 * <ul>
 *   <li><b>pooled</b> (default): a user's state holds only its own data, {@code A_u = λ_u·I + Σ x
 *       xᵀ} and {@code B_u = Σ r·x}, and is served through the node's {@link NodePool} as {@link
 *       PooledPrior#forUser} (Hong, Kveton, Zaheer &amp; Ghavamzadeh 2022, "Hierarchical Bayesian
 *       Bandits", §4.1). The pool's prior has mean θ₀ (θ₀[1] = 1: trust the model score) and
 *       precision {@code prior-strength} on bias, score, popularity and the trends, {@code
 *       projection-strength} on the seen flag and the 12 projected item dims (the simulation's
 *       choice, docs/simulation.md);
 *   <li><b>fixed</b>: a user's state is its full posterior from {@code A₀ = s·I, b₀ = s·θ₀} with
 *       {@code s = prior-strength}, served as is (Li et al. 2010, §3.1).
 * </ul>
 *
 * <p>With an A/B split each policy has its own pool, learned only from the impressions that policy
 * served, as each policy has its own learning state in the simulation: a shared pool would let one
 * arm's exploration feed the other arm's estimates and blur the comparison.
 *
 * <p>A stored state of the other form or another dimension (every 16-d fixed-prior posterior
 * written before the pooled prior and the trend features) is converted on first use: the data
 * statistics are recovered from the prior it started from ({@link UserState#userStrength()}: λ_u of
 * a data-only state; 0, also on old snapshots, = the fixed prior of {@code prior-strength}),
 * zero-padded (past impressions count as trend 0, an approximation) or truncated, and put on this
 * node's prior with {@link LinearPosterior#rebased}, exact up to rounding and O(k³) once per user.
 * Contexts of old events and pending slates are padded or truncated the same way ({@link #fit}).
 * Immutable apart from the pool, which is thread-safe.
 */
public final class BanditModel {
  private final int dim;
  private final double priorStrength;
  private final double userStrength;
  private final Map<String, NodePool> pools;
  private final PackedPosterior start;

  private BanditModel(
      int dim, double priorStrength, double userStrength, Map<String, NodePool> pools) {
    this.dim = dim;
    this.priorStrength = priorStrength;
    this.userStrength = userStrength;
    this.pools = pools;
    this.start =
        PackedPosterior.pack(
            pools.isEmpty()
                ? LinearPosterior.globalPrior(priorMean(dim), dim, priorStrength)
                : LinearPosterior.prior(dim, userStrength));
  }

  /**
   * Returns the fixed-prior form over {@code dim} features with prior strength {@code
   * priorStrength} (> 0); throws IllegalArgumentException on a bad value.
   */
  public static BanditModel fixed(int dim, double priorStrength) {
    checkPositive(priorStrength, "prior-strength");
    return new BanditModel(dim, priorStrength, 0, Map.of());
  }

  /**
   * Returns the pooled form over {@code dim} features with a fresh node pool per policy id in
   * {@code policies}: pool precision {@code priorStrength} on the scalar features and {@code
   * projectionStrength} on the seen flag and projected item dims, user precision λ_u = {@code
   * userStrength} (all > 0); throws IllegalArgumentException on a bad value or no policy.
   */
  public static BanditModel pooled(
      int dim,
      double priorStrength,
      double projectionStrength,
      double userStrength,
      List<String> policies) {
    checkPositive(priorStrength, "prior-strength");
    checkPositive(projectionStrength, "pooled-prior.projection-strength");
    checkPositive(userStrength, "pooled-prior.user-strength");
    double[] precision = new double[dim];
    for (int i = 0; i < dim; i++) {
      boolean itemDirection = i >= 3 && i < ContextFeatures.DIM;
      precision[i] = itemDirection ? projectionStrength : priorStrength;
    }
    if (policies.isEmpty()) {
      throw new IllegalArgumentException("a pooled prior needs at least one policy");
    }
    PooledPrior prior = PooledPrior.create(priorMean(dim), precision, userStrength);
    Map<String, NodePool> pools = new LinkedHashMap<>();
    for (String policy : policies) {
      pools.put(policy, new NodePool(prior));
    }
    return new BanditModel(dim, priorStrength, userStrength, Map.copyOf(pools));
  }

  /** Returns the context dimension k. */
  public int dim() {
    return dim;
  }

  /** Returns λ_u of the pooled form, or 0 for the fixed prior (the tag a UserState stores). */
  public double userStrength() {
    return userStrength;
  }

  /**
   * Returns the node's pool of policy {@code policyId}, or null for the fixed-prior form; throws
   * IllegalArgumentException for a policy this node does not serve.
   */
  public NodePool pool(String policyId) {
    if (pools.isEmpty()) {
      return null;
    }
    NodePool pool = pools.get(policyId);
    if (pool == null) {
      throw new IllegalArgumentException("no pool for policy " + policyId);
    }
    return pool;
  }

  /** Returns the pools by policy id (empty for the fixed-prior form). */
  public Map<String, NodePool> pools() {
    return pools;
  }

  /** Returns the policy state a new user starts with (shared; never mutated). */
  public PackedPosterior start() {
    return start;
  }

  /** Returns {@code state} unchanged if its policy state is in this form, else converted. */
  UserState adapt(UserState state) {
    PackedPosterior p = state.policyState();
    if (p.dim() == dim && state.userStrength() == userStrength) {
      return state;
    }
    return state.withPolicyState(convert(p, state.userStrength()), userStrength);
  }

  /**
   * Returns {@code stored} (a full fixed-prior posterior when {@code storedUserStrength} is 0, else
   * data-only statistics from λ_u = storedUserStrength) in this node's form and dimension.
   */
  PackedPosterior convert(PackedPosterior stored, double storedUserStrength) {
    int from = stored.dim();
    boolean wasDataOnly = storedUserStrength > 0;
    double[] fromPrecision = filled(from, wasDataOnly ? storedUserStrength : priorStrength);
    double[] fromMean = wasDataOnly ? new double[from] : priorMean(from);
    boolean pooled = !pools.isEmpty();
    double[] toPrecision = filled(dim, pooled ? userStrength : priorStrength);
    double[] toMean = pooled ? new double[dim] : priorMean(dim);
    return PackedPosterior.pack(
        stored.unpack().rebased(fromPrecision, fromMean, toPrecision, toMean));
  }

  /** Returns {@code x} if it has {@code dim} entries, else a zero-padded or truncated copy. */
  float[] fit(float[] x) {
    return x.length == dim ? x : Arrays.copyOf(x, dim);
  }

  /**
   * Returns the posterior to serve {@code state} from with policy {@code policyId}: in the pooled
   * form the user's data centred on that policy's pool's current snapshot (O(k³)), else the stored
   * posterior. Converts first if needed.
   */
  LinearPosterior serving(UserState state, String policyId) {
    LinearPosterior own = adapt(state).posterior();
    NodePool pool = pool(policyId);
    return pool != null ? pool.snapshot().forUser(own) : own;
  }

  /**
   * Pools impressions of one slate served by {@code policyId} ({@code float[n][*]} contexts, fitted
   * to {@code dim}, and their rewards); nothing in the fixed-prior form.
   */
  void pool(String policyId, float[][] features, double[] rewards) {
    NodePool pool = pool(policyId);
    if (pool == null || features.length == 0) {
      return;
    }
    float[][] fitted = new float[features.length][];
    for (int i = 0; i < features.length; i++) {
      fitted[i] = fit(features[i]);
    }
    pool.observe(fitted, rewards);
  }

  /** θ₀ of every prior here: 1 on the model score, 0 elsewhere ({@code double[dim]}). */
  private static double[] priorMean(int dim) {
    double[] mean = new double[dim];
    if (dim > 1) {
      mean[1] = 1.0;
    }
    return mean;
  }

  private static double[] filled(int n, double v) {
    double[] a = new double[n];
    Arrays.fill(a, v);
    return a;
  }

  private static void checkPositive(double v, String key) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(
          "carousel.user-profile." + key + " must be finite and > 0, got " + v);
    }
  }
}
