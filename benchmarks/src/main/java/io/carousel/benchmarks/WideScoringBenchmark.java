package io.carousel.benchmarks;

import io.carousel.engine.retrieval.TopN;
import io.carousel.engine.wide.CoVisitation;
import io.carousel.engine.wide.WideAndDeep;
import io.carousel.engine.wide.WideWeights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost per request of {@link WideAndDeep#topN} (exact chunked tower top-k, then the union of the
 * tower top-k and every item with a wide term rescored) against the tower-only path ({@link
 * WideWeights#NONE}: {@code ExactTopK.search} alone), in the same run. Average time per request
 * (µs): the batch methods divide by B through {@link OperationsPerInvocation}.
 *
 * <p>Synthetic, seeded: {@code numItems} unit item vectors (dim 64, Gaussian directions); every
 * 50th item is cold (in no sequence: 2 %, so the cold transfer's {@code cold · warm · dim} build
 * stays under {@code ColdTransfer.MAX_BUILD_WORK} at 100k items); {@link CoVisitation#build} over
 * 200k sequences of length 5–30 drawn 80 % from a Zipf(1) popularity over the warm items and 20 %
 * uniformly (so nearly every warm item has neighbours and popular ones fill M = 200); requests are
 * random unit session vectors with histories of 20 items from the same distribution, k = 100,
 * cycled from a pool of 64 batches.
 *
 * <p>{@code scoring}: {@code tower} (weights NONE), {@code wide} (wKnn 2, wNext 1, no cold
 * transfer) and {@code wideCold} (wKnn 2, wNext 1, cold transfer with the default 10 warm
 * neighbours per cold item; building it is part of the setup, not of the measurement).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
    value = 1,
    jvmArgs = {"-Xms2g", "-Xmx4g"})
public class WideScoringBenchmark {
  /** Catalogue size. */
  @Param({"100000"})
  public int numItems;

  /** {@code tower}, {@code wide} or {@code wideCold}. */
  @Param({"tower", "wide", "wideCold"})
  public String scoring;

  private static final int DIM = 64;
  private static final int K = 100;
  private static final int HISTORY = 20;
  private static final int SEQUENCES = 200_000;
  private static final int COLD_EVERY = 50;
  private static final int POOL = 64;

  private WideAndDeep model;
  private float[][][] sessions1;
  private int[][][] histories1;
  private float[][][] sessions32;
  private int[][][] histories32;
  private int[] k1;
  private int[] k32;
  private int next;

  /** Builds the items, the co-visitation statistics, the model and the request pool. */
  @Setup
  public void setup() {
    long t0 = System.nanoTime();
    SplittableRandom rng = new SplittableRandom(42);
    float[][] items = new float[numItems][];
    for (int i = 0; i < numItems; i++) {
      items[i] = unit(rng);
    }
    int[] warm = new int[numItems - numItems / COLD_EVERY];
    for (int i = 0, w = 0; i < numItems; i++) {
      if (i % COLD_EVERY != COLD_EVERY - 1) {
        warm[w++] = i;
      }
    }
    // Popularity rank -> item: a seeded shuffle of the warm items.
    for (int i = warm.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = warm[i];
      warm[i] = warm[j];
      warm[j] = t;
    }
    double[] cdf = new double[warm.length];
    double sum = 0;
    for (int r = 0; r < warm.length; r++) {
      sum += 1.0 / (r + 1);
      cdf[r] = sum;
    }
    for (int r = 0; r < warm.length; r++) {
      cdf[r] /= sum;
    }
    List<int[]> sequences = new ArrayList<>(SEQUENCES);
    for (int u = 0; u < SEQUENCES; u++) {
      int[] s = new int[5 + rng.nextInt(26)];
      for (int t = 0; t < s.length; t++) {
        s[t] = draw(rng, warm, cdf);
      }
      sequences.add(s);
    }
    CoVisitation coVisitation =
        CoVisitation.build(sequences, numItems, CoVisitation.DEFAULT_NEIGHBOURS);
    long t1 = System.nanoTime();
    WideWeights wide = WideWeights.of(2, 1, "benchmark");
    model =
        switch (scoring) {
          case "tower" -> new WideAndDeep(items, 20f, coVisitation, WideWeights.NONE, 0);
          case "wide" -> new WideAndDeep(items, 20f, coVisitation, wide, 0);
          case "wideCold" -> new WideAndDeep(items, 20f, coVisitation, wide);
          default -> throw new IllegalArgumentException("scoring: " + scoring);
        };
    long t2 = System.nanoTime();
    sessions1 = new float[POOL][1][];
    histories1 = new int[POOL][1][];
    sessions32 = new float[POOL][32][];
    histories32 = new int[POOL][32][];
    for (int p = 0; p < POOL; p++) {
      fill(rng, warm, cdf, sessions1[p], histories1[p]);
      fill(rng, warm, cdf, sessions32[p], histories32[p]);
    }
    k1 = new int[] {K};
    k32 = new int[32];
    Arrays.fill(k32, K);
    int warmWithNeighbours = 0;
    for (int i = 0; i < numItems; i++) {
      warmWithNeighbours += coVisitation.hasNeighbours(i) ? 1 : 0;
    }
    long wideItems = 0;
    for (int[][] h : histories32) {
      for (int[] history : h) {
        wideItems += coVisitation.terms(history, 2, 1).items().length;
      }
    }
    System.out.printf(
        "%nsetup: %d items, %d with co-visitation neighbours, %d stored neighbours,"
            + " %.0f warm items with a wide term per history on average,"
            + " %d cold items in the transfer (%d entries); sequences + co-visitation %.1f s,"
            + " model (flat copy + cold transfer) %.1f s%n",
        numItems,
        warmWithNeighbours,
        coVisitation.storedNeighbours(),
        wideItems / (double) (POOL * 32),
        model.coldTransfer().coldItems(),
        model.coldTransfer().entries(),
        (t1 - t0) / 1e9,
        (t2 - t1) / 1e9);
  }

  private static void fill(
      SplittableRandom rng, int[] warm, double[] cdf, float[][] sessions, int[][] histories) {
    for (int b = 0; b < sessions.length; b++) {
      sessions[b] = unit(rng);
      histories[b] = new int[HISTORY];
      for (int t = 0; t < HISTORY; t++) {
        histories[b][t] = draw(rng, warm, cdf);
      }
    }
  }

  /** 80 % Zipf(1) over the warm items, 20 % uniform over them. */
  private static int draw(SplittableRandom rng, int[] warm, double[] cdf) {
    if (rng.nextInt(5) == 0) {
      return warm[rng.nextInt(warm.length)];
    }
    int r = Arrays.binarySearch(cdf, rng.nextDouble());
    return warm[Math.min(r < 0 ? -r - 1 : r, warm.length - 1)];
  }

  private static float[] unit(SplittableRandom rng) {
    float[] v = new float[DIM];
    double norm = 0;
    for (int d = 0; d < DIM; d++) {
      v[d] = (float) rng.nextGaussian();
      norm += v[d] * v[d];
    }
    float inv = (float) (1 / Math.sqrt(norm));
    for (int d = 0; d < DIM; d++) {
      v[d] *= inv;
    }
    return v;
  }

  /** One request alone (B = 1). */
  @Benchmark
  public TopN[] topNBatch1() {
    int p = next++ & (POOL - 1);
    return model.topN(sessions1[p], histories1[p], k1, null);
  }

  /** A micro-batch of 32 requests (B = 32), time per request. */
  @Benchmark
  @OperationsPerInvocation(32)
  public TopN[] topNBatch32() {
    int p = next++ & (POOL - 1);
    return model.topN(sessions32[p], histories32[p], k32, null);
  }
}
