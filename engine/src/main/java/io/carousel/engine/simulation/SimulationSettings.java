package io.carousel.engine.simulation;

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
    double trendHalfLife) {

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
  }

  /**
   * Returns the defaults: K = 10 of 50, prior strength 10, ε 0.05, v 0.1, α 0.01, BTS Beta(0.1,
   * 0.9); the exploration values are the best of a 3×3 grid on the movielens-100k tuning slice.
   */
  public static SimulationSettings defaults() {
    return new SimulationSettings(
        10, 50, 10.0, 0.05, 0.1, 0.01, 0.1, 1.0, 7L, 20100426L, 256, 0, 0.0, 1000.0, 0.0);
  }

  /**
   * Returns a copy with the pooled prior's λ_u (0 = off), its item-dims precision and the trend
   * half-life (0 = off) replaced.
   */
  public SimulationSettings withPooling(
      double userStrength, double projectionStrength, double trendHalfLife) {
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
        trendHalfLife);
  }

  /** Returns true when users' posteriors are centred on a pooled prior (userStrength > 0). */
  public boolean pooled() {
    return userStrength > 0;
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
        trendHalfLife);
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
        trendHalfLife);
  }
}
