package io.carousel.benchmarks;

import io.carousel.policy.EpsilonGreedySlatePolicy;
import io.carousel.policy.LinUcbSlatePolicy;
import io.carousel.policy.LinearPosterior;
import io.carousel.policy.LinearThompsonSlatePolicy;
import io.carousel.policy.PackedPosterior;
import io.carousel.policy.Slate;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of the per-user bandit hot path: one Sherman–Morrison posterior update and one slate choice
 * of 10 from 100 candidates, at k = 16 and k = 32 (average time per call, µs).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PolicyBenchmark {
  /** Context dimension k (18: the live default with two trend features). */
  @Param({"16", "18", "32"})
  public int k;

  private static final int CANDIDATES = 100;
  private static final int SLATE = 10;

  private LinearPosterior posterior;
  private PackedPosterior packed;
  private PackedPosterior withRaw;
  private float[][] candidates;
  private float[] x;
  private SplittableRandom rng;
  private final LinUcbSlatePolicy linUcb = new LinUcbSlatePolicy(0.5);
  private final EpsilonGreedySlatePolicy greedy = new EpsilonGreedySlatePolicy(0.1);
  private final LinearThompsonSlatePolicy thompson100 = new LinearThompsonSlatePolicy(0.5, 100);

  /** Builds a posterior after 200 updates and 100 random candidate contexts. */
  @Setup
  public void setup() {
    rng = new SplittableRandom(42);
    candidates = new float[CANDIDATES][k];
    for (float[] c : candidates) {
      for (int d = 0; d < k; d++) {
        c[d] = (float) rng.nextGaussian();
      }
    }
    posterior = LinearPosterior.prior(k, 1.0);
    for (int t = 0; t < 200; t++) {
      posterior = posterior.updated(candidates[t % CANDIDATES], rng.nextDouble() < 0.1 ? 1 : 0);
    }
    x = candidates[7];
    packed = PackedPosterior.pack(posterior);
    // A new user's state: the shared start plus the most raw observations kept before a fold.
    int rawMax = (k * (k + 1) / 2 + k) / (k + 1);
    withRaw = PackedPosterior.pack(LinearPosterior.prior(k, 1.0));
    for (int t = 0; t < rawMax; t++) {
      withRaw = withRaw.observe(candidates[t], t == 0 ? 1 : 0);
    }
  }

  /** One Sherman–Morrison update (returns a new posterior, as the actor does). */
  @Benchmark
  public LinearPosterior update() {
    return posterior.updated(x, 1.0);
  }

  /**
   * One update of a user's stored state as {@code UserState} applies it: unpack the single
   * precision A⁻¹ and b, one Sherman–Morrison update in double, pack again.
   */
  @Benchmark
  public PackedPosterior updateStoredState() {
    return PackedPosterior.pack(packed.unpack().updated(x, 1.0));
  }

  /**
   * One observation as {@code UserState} applies it now ({@link PackedPosterior#observe}) on a user
   * with no raw observations: kept raw, an append of k + 1 floats.
   */
  @Benchmark
  public PackedPosterior observeRaw() {
    return packed.observe(x, 1.0);
  }

  /** Unpacking a dense stored state (what serving does first). */
  @Benchmark
  public LinearPosterior unpackDense() {
    return packed.unpack();
  }

  /**
   * Unpacking a state with the most raw observations kept before a fold (8 at k = 16, 9 at k = 18,
   * 16 at k = 32): one Sherman–Morrison update each on top of {@link #unpackDense}'s work.
   */
  @Benchmark
  public LinearPosterior unpackWithRawObservations() {
    return withRaw.unpack();
  }

  /** One LinUCB slate (deterministic, propensity 1). */
  @Benchmark
  public Slate chooseLinUcb() {
    return linUcb.choose(posterior, candidates, SLATE, rng);
  }

  /** One ε-greedy slate with exact propensities. */
  @Benchmark
  public Slate chooseEpsilonGreedy() {
    return greedy.choose(posterior, candidates, SLATE, rng);
  }

  /** One linear-TS slate with Monte Carlo propensities from M = 100 further draws. */
  @Benchmark
  public Slate chooseLinearThompsonM100() {
    return thompson100.choose(posterior, candidates, SLATE, rng);
  }
}
