package io.carousel.engine.retrieval;

import io.carousel.policy.TopK;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

/**
 * Approximate maximum-inner-product top-k with an inverted file (IVF, as FAISS {@code
 * IndexIVFFlat}: Jégou, Douze, Schmid, "Product quantization for nearest neighbor search", TPAMI
 * 2011, §4): the unit item vectors are clustered by spherical k-means into {@code lists} lists, and
 * a query scans only the {@code probe} lists whose centroids have the largest inner product with
 * it. Scores within the scanned lists are exact (the same kernel and float operations as {@link
 * ExactTopK}); what it may miss is an item of an unprobed list, so its recall@k against exact
 * retrieval must be measured on a trained model's vectors before it is switched on
 * (docs/scoring.md, "IVF").
 *
 * <p>The matrix is held once: each list is one column-major block, {@code float[dim][width]} with
 * the width its item count rounded up to {@value #PAD} (padded with zeros), plus the centroids
 * ({@code lists · dim} floats) and two {@code int[N]} maps. Immutable and thread-safe.
 */
public final class IvfTopK implements Retrieval {
  /**
   * A list's block is as wide as the list (its items in one run, so the kernel's loops are long
   * enough for C2's unrolled SIMD loop: with blocks of 32 items each loop ran mostly in its scalar
   * tail, ~10× slower per item than the exact scan), rounded up to this many items.
   */
  public static final int PAD = 16;

  /** k-means rounds over the sample (assignments change little after a few on trained vectors). */
  static final int ITERATIONS = 8;

  /** Training sample per list, as FAISS advises (30–256 points per centroid). */
  static final int SAMPLE_PER_LIST = 64;

  private final int numItems;
  private final int dim;
  private final int lists;
  private final int probe;
  private final ExactTopK centroids;
  // blocks[c][d][p] = dimension d of list c's item p (members[c][p])
  private final float[][][] blocks;
  private final int[][] members;
  private final int[] listOf;
  private final int[] slotOf;
  private final int widest;

  private IvfTopK(int dim, float[][] centroidRows, int[] assignment, float[][] rows, int probe) {
    this.numItems = rows.length;
    this.dim = dim;
    this.lists = centroidRows.length;
    this.probe = Math.min(probe, lists);
    this.centroids = ExactTopK.of(centroidRows, ExactTopK.DEFAULT_CHUNK);
    int[] count = new int[lists];
    for (int c : assignment) {
      count[c]++;
    }
    this.members = new int[lists][];
    this.blocks = new float[lists][][];
    for (int c = 0; c < lists; c++) {
      members[c] = new int[count[c]];
      blocks[c] = new float[count[c] == 0 ? 0 : dim][((count[c] + PAD - 1) / PAD) * PAD];
    }
    this.listOf = assignment;
    this.slotOf = new int[numItems];
    int w = 0;
    for (float[][] b : blocks) {
      w = Math.max(w, b.length == 0 ? 0 : b[0].length);
    }
    this.widest = w;
    int[] filled = new int[lists];
    for (int i = 0; i < numItems; i++) {
      int c = assignment[i];
      int p = filled[c]++;
      members[c][p] = i;
      slotOf[i] = p;
      for (int d = 0; d < dim; d++) {
        blocks[c][d][p] = rows[i][d];
      }
    }
  }

  /**
   * Clusters {@code rows} (L2-normalised, {@code float[N][dim]}, N ≥ 1) into {@code lists} lists by
   * seeded spherical k-means on a sample of {@value #SAMPLE_PER_LIST} items per list, assigns every
   * item to its nearest centroid, and copies the rows into the lists (the caller may drop them).
   *
   * @param lists number of lists, at least 1 (at most N are used)
   * @param probe lists scanned per query, at least 1 (at most {@code lists})
   * @throws IllegalArgumentException if there are no rows, widths differ or a size is not positive
   */
  public static IvfTopK build(float[][] rows, int lists, int probe, long seed) {
    if (rows.length == 0 || lists < 1 || probe < 1) {
      throw new IllegalArgumentException(
          "need rows, lists >= 1 and probe >= 1: " + rows.length + ", " + lists + ", " + probe);
    }
    int dim = rows[0].length;
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != dim) {
        throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " != " + dim);
      }
    }
    int l = Math.min(lists, rows.length);
    float[][] centroids = kMeans(rows, l, seed);
    return new IvfTopK(dim, centroids, nearest(centroids, rows), rows, probe);
  }

  /**
   * The default number of lists for N items: {@code √N}, so a list holds ~√N items and a query's
   * cost, {@code lists + probe · N / lists} rows, is smallest for a probe of a few lists; the
   * padding of each list's last block stays a few % of the matrix at 10⁴–10⁶ items (FAISS advises
   * 4√N–16√N lists for 10⁶–10⁹ vectors, where lists are long anyway).
   */
  public static int defaultLists(int numItems) {
    return Math.max(1, (int) Math.round(Math.sqrt(numItems)));
  }

  private static float[][] kMeans(float[][] rows, int lists, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int n = rows.length;
    int[] order = IntStream.range(0, n).toArray();
    int sampleSize = (int) Math.min(n, (long) SAMPLE_PER_LIST * lists);
    for (int i = 0;
        i < sampleSize;
        i++) { // partial Fisher–Yates: the first sampleSize are a sample
      int j = i + random.nextInt(n - i);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    float[][] sample = new float[sampleSize][];
    for (int i = 0; i < sampleSize; i++) {
      sample[i] = rows[order[i]];
    }
    int dim = rows[0].length;
    float[][] centroids = new float[lists][];
    for (int c = 0; c < lists; c++) {
      centroids[c] = sample[c].clone();
    }
    for (int round = 0; round < ITERATIONS; round++) {
      int[] assigned = nearest(centroids, sample);
      double[][] sum = new double[lists][dim];
      int[] count = new int[lists];
      for (int i = 0; i < sampleSize; i++) {
        int c = assigned[i];
        count[c]++;
        for (int d = 0; d < dim; d++) {
          sum[c][d] += sample[i][d];
        }
      }
      for (int c = 0; c < lists; c++) {
        // An empty list restarts at a random sample item rather than staying dead.
        centroids[c] =
            count[c] == 0 ? sample[random.nextInt(sampleSize)].clone() : unit(sum[c], dim);
      }
    }
    return centroids;
  }

  private static float[] unit(double[] sum, int dim) {
    double norm = 0;
    for (double v : sum) {
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    float[] out = new float[dim];
    for (int d = 0; d < dim; d++) {
      out[d] = norm > 0 ? (float) (sum[d] / norm) : 0f;
    }
    return out;
  }

  /** Each row's centroid of largest inner product, in parallel chunks through the exact scan. */
  private static int[] nearest(float[][] centroids, float[][] rows) {
    ExactTopK index = ExactTopK.of(centroids, ExactTopK.DEFAULT_CHUNK);
    int[] out = new int[rows.length];
    int chunk = 1024;
    IntStream.range(0, (rows.length + chunk - 1) / chunk)
        .parallel()
        .forEach(
            part -> {
              int from = part * chunk;
              int to = Math.min(rows.length, from + chunk);
              float[][] queries = Arrays.copyOfRange(rows, from, to);
              int[] one = new int[to - from];
              Arrays.fill(one, 1);
              TopN[] best = index.search(queries, one, null, 1f);
              for (int i = from; i < to; i++) {
                // A NaN row has no nearest centroid: list 0, where the scan skips it like exact.
                out[i] = best[i - from].items().length == 0 ? 0 : best[i - from].items()[0];
              }
            });
    return out;
  }

  @Override
  public int numItems() {
    return numItems;
  }

  @Override
  public int dim() {
    return dim;
  }

  /** Returns the number of lists. */
  public int lists() {
    return lists;
  }

  /** Returns the lists scanned per query. */
  public int probe() {
    return probe;
  }

  /** Returns this index scanning {@code probe} lists per query (sharing everything else). */
  public IvfTopK withProbe(int probe) {
    if (probe < 1) {
      throw new IllegalArgumentException("probe must be >= 1: " + probe);
    }
    return new IvfTopK(this, probe);
  }

  private IvfTopK(IvfTopK base, int probe) {
    this.numItems = base.numItems;
    this.dim = base.dim;
    this.lists = base.lists;
    this.probe = Math.min(probe, lists);
    this.centroids = base.centroids;
    this.blocks = base.blocks;
    this.members = base.members;
    this.listOf = base.listOf;
    this.slotOf = base.slotOf;
    this.widest = base.widest;
  }

  @Override
  public long matrixBytes() {
    long floats = (long) lists * dim;
    for (float[][] b : blocks) {
      floats += b.length == 0 ? 0 : (long) b.length * b[0].length;
    }
    return 4 * floats;
  }

  @Override
  public String describe() {
    return "ivf(lists=" + lists + ", probe=" + probe + ")";
  }

  @Override
  public float[] row(int i) {
    if (i < 0 || i >= numItems) {
      throw new IndexOutOfBoundsException("item " + i + " of " + numItems);
    }
    float[][] rows = blocks[listOf[i]];
    int p = slotOf[i];
    float[] v = new float[dim];
    for (int d = 0; d < dim; d++) {
      v[d] = rows[d][p];
    }
    return v;
  }

  @Override
  public float[] scoreAll(float[] query, float scale) {
    if (query.length != dim) {
      throw new IllegalArgumentException("query has width " + query.length + " != " + dim);
    }
    float[] out = new float[numItems];
    float[] s = new float[widest];
    for (int c = 0; c < lists; c++) {
      int[] ids = members[c];
      if (ids.length > 0) {
        BlockKernel.scores1(blocks[c], 0, dim, query, s);
        for (int i = 0; i < ids.length; i++) {
          out[ids[i]] = s[i] * scale;
        }
      }
    }
    return out;
  }

  @Override
  public TopN[] search(
      float[][] queries,
      int[] k,
      IntPredicate[] exclude,
      float scale,
      int[][] capture,
      float[][] captured) {
    int b = queries.length;
    if (k.length != b || (exclude != null && exclude.length != b) || !(scale > 0)) {
      throw new IllegalArgumentException(
          "queries, k and exclude must have the same length and scale must be > 0");
    }
    TopK.Heap[] heaps = new TopK.Heap[b];
    for (int q = 0; q < b; q++) {
      if (queries[q].length != dim) {
        throw new IllegalArgumentException("query " + q + " has width " + queries[q].length);
      }
      if (k[q] < 0) {
        throw new IllegalArgumentException("k must be >= 0: " + k[q]);
      }
      heaps[q] = new TopK.Heap(Math.min(k[q], numItems));
    }
    IntPredicate[] ex = exclude == null ? new IntPredicate[b] : exclude;
    int[][] byList = probedBy(queries);
    float[] s0 = new float[widest];
    float[] s1 = new float[widest];
    float[] s2 = new float[widest];
    float[] s3 = new float[widest];
    for (int c = 0; c < lists; c++) {
      int[] qs = byList[c];
      if (qs == null) {
        continue;
      }
      float[][] rows = blocks[c];
      int[] ids = members[c];
      int n = ids.length;
      int j = 0;
      for (; j + 3 < qs.length; j += 4) {
        int q0 = qs[j];
        int q1 = qs[j + 1];
        int q2 = qs[j + 2];
        int q3 = qs[j + 3];
        BlockKernel.scores4(
            rows, 0, dim, queries[q0], queries[q1], queries[q2], queries[q3], s0, s1, s2, s3);
        offer(heaps[q0], s0, ids, n, ex[q0]);
        offer(heaps[q1], s1, ids, n, ex[q1]);
        offer(heaps[q2], s2, ids, n, ex[q2]);
        offer(heaps[q3], s3, ids, n, ex[q3]);
      }
      for (; j < qs.length; j++) {
        BlockKernel.scores1(rows, 0, dim, queries[qs[j]], s0);
        offer(heaps[qs[j]], s0, ids, n, ex[qs[j]]);
      }
    }
    if (capture != null) {
      for (int q = 0; q < b && q < capture.length; q++) {
        int[] items = capture[q];
        for (int p = 0; items != null && p < items.length; p++) {
          if (items[p] < 0 || items[p] >= numItems) {
            throw new IllegalArgumentException("captured item " + items[p] + " of " + numItems);
          }
          captured[q][p] = BlockKernel.dot(queries[q], row(items[p])) * scale;
        }
      }
    }
    TopN[] out = new TopN[b];
    for (int q = 0; q < b; q++) {
      out[q] = TopN.drain(heaps[q], scale);
    }
    return out;
  }

  /**
   * Returns how many item rows {@link #search} scores for these queries (the sizes of each query's
   * probed lists, summed): the work it does, against {@code queries.length · numItems()} exact.
   */
  public long scannedItems(float[][] queries) {
    int[][] byList = probedBy(queries);
    long rows = 0;
    for (int c = 0; c < lists; c++) {
      rows += byList[c] == null ? 0 : (long) byList[c].length * members[c].length;
    }
    return rows;
  }

  /** For each list, the queries that probe it (null: none), in query order. */
  private int[][] probedBy(float[][] queries) {
    int[] wanted = new int[queries.length];
    Arrays.fill(wanted, probe);
    TopN[] probes = centroids.search(queries, wanted, null, 1f);
    int[] count = new int[lists];
    for (TopN p : probes) {
      for (int c : p.items()) {
        count[c]++;
      }
    }
    int[][] byList = new int[lists][];
    int[] filled = new int[lists];
    for (int q = 0; q < probes.length; q++) {
      for (int c : probes[q].items()) {
        if (byList[c] == null) {
          byList[c] = new int[count[c]];
        }
        byList[c][filled[c]++] = q;
      }
    }
    return byList;
  }

  /**
   * Feeds a block's scores to one heap. Items are not in ascending order across lists, so a score
   * equal to the heap's worst goes to the heap, which breaks the tie by the lower index.
   */
  private static void offer(TopK.Heap heap, float[] s, int[] ids, int n, IntPredicate exclude) {
    if (heap.capacity() == 0) {
      return;
    }
    for (int i = 0; i < n; i++) {
      float v = s[i];
      if (Float.isNaN(v) || (heap.full() && v < heap.minScore())) {
        continue;
      }
      int item = ids[i];
      if (exclude != null && exclude.test(item)) {
        continue;
      }
      heap.offer(item, v);
    }
  }
}
