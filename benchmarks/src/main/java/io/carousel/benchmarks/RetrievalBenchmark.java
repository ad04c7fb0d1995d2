package io.carousel.benchmarks;

import io.carousel.engine.retrieval.ExactTopK;
import io.carousel.engine.retrieval.TopN;
import java.util.Arrays;
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
 * Exact tower top-k over the item matrix, one batch of B queries per call: the column-blocked
 * {@link ExactTopK} ({@code kernel = blocked}) against the row-major implementation it replaced,
 * kept as {@link RowMajorTopK} ({@code kernel = rowMajor}), in the same run. Both return the same
 * items (checked in the setup). Time per call; divide by B for the time per request.
 *
 * <p>Seeded synthetic unit vectors with cluster structure like trained embeddings: 64 Gaussian
 * centres, each item a centre plus noise (σ 0.5 per dimension before normalising); queries the same
 * way; k = 50 (the serving default of candidates).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgs = {"-Xms2g", "-Xmx4g"})
public class RetrievalBenchmark {
  /** Catalogue size. */
  @Param({"100000"})
  public int numItems;

  /** Queries per call. */
  @Param({"1", "4", "32"})
  public int batch;

  /** {@code rowMajor} (before) or {@code blocked} (after). */
  @Param({"rowMajor", "blocked"})
  public String kernel;

  private static final int DIM = 64;
  private static final int K = 50;
  private static final int POOL = 16;

  private ExactTopK blocked;
  private RowMajorTopK rowMajor;
  private float[][][] queries;
  private int[] k;
  private int next;

  /** Builds the matrix, both indexes and a pool of query batches; checks they agree. */
  @Setup
  public void setup() {
    SplittableRandom rng = new SplittableRandom(42);
    float[][] centres = unitRows(64, rng, null, 0);
    float[][] items = unitRows(numItems, rng, centres, 0.5);
    if (kernel.equals("blocked")) {
      blocked = ExactTopK.of(items, ExactTopK.DEFAULT_CHUNK);
    } else {
      rowMajor = new RowMajorTopK(ExactTopK.flatten(items), DIM, RowMajorTopK.DEFAULT_CHUNK);
    }
    queries = new float[POOL][][];
    for (int p = 0; p < POOL; p++) {
      queries[p] = unitRows(batch, rng, centres, 0.5);
    }
    k = new int[batch];
    Arrays.fill(k, K);
    ExactTopK check = ExactTopK.of(items, ExactTopK.DEFAULT_CHUNK);
    RowMajorTopK old = new RowMajorTopK(ExactTopK.flatten(items), DIM, 4096);
    TopN[] a = check.search(queries[0], k, null, 1f);
    TopN[] b = old.search(queries[0], k, null, 1f);
    for (int q = 0; q < batch; q++) {
      if (!Arrays.equals(a[q].items(), b[q].items())) {
        throw new IllegalStateException("kernels disagree on query " + q);
      }
    }
  }

  private static float[][] unitRows(int n, SplittableRandom rng, float[][] centres, double noise) {
    float[][] out = new float[n][DIM];
    for (float[] row : out) {
      float[] c = centres == null ? null : centres[rng.nextInt(centres.length)];
      double norm = 0;
      for (int d = 0; d < DIM; d++) {
        double g = gaussian(rng) * (c == null ? 1 : noise);
        row[d] = (float) ((c == null ? 0 : c[d]) + g);
        norm += row[d] * row[d];
      }
      for (int d = 0; d < DIM; d++) {
        row[d] /= (float) Math.sqrt(norm);
      }
    }
    return out;
  }

  private static double gaussian(SplittableRandom rng) {
    return Math.sqrt(-2 * Math.log(1 - rng.nextDouble()))
        * Math.cos(2 * Math.PI * rng.nextDouble());
  }

  /** One batch of B queries. */
  @Benchmark
  public TopN[] search() {
    float[][] q = queries[next++ & (POOL - 1)];
    return blocked != null ? blocked.search(q, k, null, 1f) : rowMajor.search(q, k, null, 1f);
  }
}
