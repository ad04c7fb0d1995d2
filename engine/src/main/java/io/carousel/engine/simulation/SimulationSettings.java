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
    int maxEvents) {

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
  }

  /**
   * Returns the defaults: K = 10 of 50, prior strength 10, ε 0.05, v 0.1, α 0.01, BTS Beta(0.1,
   * 0.9); the exploration values are the best of a 3×3 grid on the movielens-100k tuning slice.
   */
  public static SimulationSettings defaults() {
    return new SimulationSettings(10, 50, 10.0, 0.05, 0.1, 0.01, 0.1, 1.0, 7L, 20100426L, 256, 0);
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
        maxEvents);
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
        maxEvents);
  }
}
