package io.carousel.offline.simulation;

/**
 * Settings of one {@link BanditReplay} run. Slate and candidate counts mirror the live {@code
 * carousel.user-profile} settings (10 of 50); prior strength and exploration widths were chosen on
 * the tuning slice only ({@link Simulation}'s tuning protocol), never on the reported replay.
 *
 * @param slateSize K, items per slate, at least 1
 * @param candidates model top-N the policies choose from (seen items excluded), at least slateSize
 * @param priorStrength strength of the shared prior A = s·I, b = s·θ₀ with θ₀[1] = 1, > 0
 * @param epsilon per-slot exploration rate of ε-greedy, in [0, 1]
 * @param tsScale posterior standard-deviation multiplier v of linear Thompson sampling, > 0
 * @param ucbAlpha confidence width α of LinUCB, >= 0
 * @param btsPriorCtr prior mean click rate of every arm of the non-personalised Bernoulli TS
 * @param btsPriorStrength pseudo-impressions behind that prior, > 0
 * @param featureSeed seed of the context's random projection (the live node's FEATURE_SEED)
 * @param seed master seed of the policies' random streams
 * @param batchSize histories per TensorFlow scoring call, at least 1
 * @param maxEvents replay at most this many later events, 0 = all
 * @param userStrength λ_u of the pooled prior ({@code PooledPrior}): each user's posterior is
 *     centred on a pool learned from all users' impressions, {@code priorStrength} then being the
 *     pool's prior; 0 = no pooling (independent per-user posteriors from the fixed prior), >= 0
 * @param projectionStrength prior precision of the pooled prior on the seen flag and the 12
 *     projected item dims (the other features get priorStrength); unused without pooling, > 0
 * @param trendHalfLife half-life, in interactions of all users, of the online trend popularity
 *     feature ({@code ContextFeatures.Layout.TREND}, 17-d contexts); 0 = off (16-d standard), >= 0
 * @param longTrendHalfLife half-life of a second, slower trend feature ({@code
 *     ContextFeatures.Layout.TWO_TRENDS}, 18-d); 0 = none; used only with trendHalfLife > 0, >= 0
 */
public record SimulationSettings(
    int slateSize,
    int candidates,
    double priorStrength,
    double epsilon,
    double tsScale,
    double ucbAlpha,
    double btsPriorCtr,
    double btsPriorStrength,
    long featureSeed,
    long seed,
    int batchSize,
    int maxEvents,
    double userStrength,
    double projectionStrength,
    double trendHalfLife,
    double longTrendHalfLife) {

  /** Validates ranges; throws IllegalArgumentException naming the bad setting. */
  public SimulationSettings {
    if (slateSize < 1 || candidates < slateSize) {
      throw new IllegalArgumentException(
          "need 1 <= slateSize <= candidates, got " + slateSize + ", " + candidates);
    }
    if (!(priorStrength > 0) || !(tsScale > 0) || !(ucbAlpha >= 0)) {
      throw new IllegalArgumentException("priorStrength and tsScale must be > 0, ucbAlpha >= 0");
    }
    if (!(epsilon >= 0 && epsilon <= 1)) {
      throw new IllegalArgumentException("epsilon must be in [0, 1], got " + epsilon);
    }
    if (!(btsPriorCtr > 0 && btsPriorCtr < 1) || !(btsPriorStrength > 0)) {
      throw new IllegalArgumentException("need 0 < btsPriorCtr < 1 and btsPriorStrength > 0");
    }
    if (batchSize < 1 || maxEvents < 0) {
      throw new IllegalArgumentException("need batchSize >= 1 and maxEvents >= 0");
    }
    if (!(userStrength >= 0) || Double.isInfinite(userStrength)) {
      throw new IllegalArgumentException(
          "userStrength must be finite and >= 0, got " + userStrength);
    }
    if (!(projectionStrength > 0) || Double.isInfinite(projectionStrength)) {
      throw new IllegalArgumentException("projectionStrength must be finite and > 0");
    }
    if (!(trendHalfLife >= 0) || Double.isInfinite(trendHalfLife)) {
      throw new IllegalArgumentException("trendHalfLife must be finite and >= 0");
    }
    if (!(longTrendHalfLife >= 0) || Double.isInfinite(longTrendHalfLife)) {
      throw new IllegalArgumentException("longTrendHalfLife must be finite and >= 0");
    }
  }

  /**
   * Returns the defaults: K = 10 of 50; pooled prior with strength 1 on bias, score, popularity and
   * trends, 300 on the item dims, λ_u 1000; trends with half-lives 200 and 10 000 interactions; ε
   * 0.02, v 0.03, α 0.003; BTS Beta(0.1, 0.9). Chosen on the tuning slices of all four datasets
   * (docs/simulation.md); the former per-user defaults are prior 10, ε 0.05, v 0.1, α 0.01, no
   * pooling, no trend.
   */
  public static SimulationSettings defaults() {
    return new SimulationSettings(
        10, 50, 1.0, 0.02, 0.03, 0.003, 0.1, 1.0, 7L, 20100426L, 256, 0, 1000.0, 300.0, 200.0,
        10_000.0);
  }

  /** Returns a copy with the trend half-lives replaced (interactions; 0 = off / none). */
  public SimulationSettings withTrends(double trendHalfLife, double longTrendHalfLife) {
    return new SimulationSettings(
        slateSize,
        candidates,
        priorStrength,
        epsilon,
        tsScale,
        ucbAlpha,
        btsPriorCtr,
        btsPriorStrength,
        featureSeed,
        seed,
        batchSize,
        maxEvents,
        userStrength,
        projectionStrength,
        trendHalfLife,
        longTrendHalfLife);
  }

  /** Returns a copy with the pooled prior's λ_u (0 = off) and item-dims precision replaced. */
  public SimulationSettings withPooling(double userStrength, double projectionStrength) {
    return new SimulationSettings(
        slateSize,
        candidates,
        priorStrength,
        epsilon,
        tsScale,
        ucbAlpha,
        btsPriorCtr,
        btsPriorStrength,
        featureSeed,
        seed,
        batchSize,
        maxEvents,
        userStrength,
        projectionStrength,
        trendHalfLife,
        longTrendHalfLife);
  }

  /** Returns true when users' posteriors are centred on a pooled prior (userStrength > 0). */
  public boolean pooled() {
    return userStrength > 0;
  }

  /** Returns a copy with the master seed of the policies' random streams replaced. */
  public SimulationSettings withSeed(long seed) {
    return new SimulationSettings(
        slateSize,
        candidates,
        priorStrength,
        epsilon,
        tsScale,
        ucbAlpha,
        btsPriorCtr,
        btsPriorStrength,
        featureSeed,
        seed,
        batchSize,
        maxEvents,
        userStrength,
        projectionStrength,
        trendHalfLife,
        longTrendHalfLife);
  }

  /** Returns a copy with {@code maxEvents} replaced. */
  public SimulationSettings withMaxEvents(int maxEvents) {
    return new SimulationSettings(
        slateSize,
        candidates,
        priorStrength,
        epsilon,
        tsScale,
        ucbAlpha,
        btsPriorCtr,
        btsPriorStrength,
        featureSeed,
        seed,
        batchSize,
        maxEvents,
        userStrength,
        projectionStrength,
        trendHalfLife,
        longTrendHalfLife);
  }

  /** Returns a copy with the exploration settings (ε, v, α, prior strength) replaced. */
  public SimulationSettings withExploration(
      double epsilon, double tsScale, double ucbAlpha, double priorStrength) {
    return new SimulationSettings(
        slateSize,
        candidates,
        priorStrength,
        epsilon,
        tsScale,
        ucbAlpha,
        btsPriorCtr,
        btsPriorStrength,
        featureSeed,
        seed,
        batchSize,
        maxEvents,
        userStrength,
        projectionStrength,
        trendHalfLife,
        longTrendHalfLife);
  }
}
