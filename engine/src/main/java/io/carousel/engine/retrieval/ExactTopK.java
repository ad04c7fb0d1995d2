package io.carousel.engine.retrieval;

import io.carousel.policy.TopK;
import java.util.function.IntPredicate;

/**
 * Exact maximum-inner-product top-k over an item matrix without materialising a {@code B × N} score
 * matrix (blocked brute-force search, as in FAISS {@code IndexFlatIP}: Johnson, Douze, Jégou,
 * "Billion-scale similarity search with GPUs", 2017, §3). Memory beyond the matrix is {@code O(B ·
 * (k + block))}; time is {@code O(B · N · dim + B · N · log k)}.
 *
 * <p>The matrix is held <em>column-blocked</em>: items in blocks of {@link #blockSize()} (at most
 * {@value #MAX_BLOCK}), each block stored dimension-major, one {@code float[blockSize]} row per
 * dimension (row d of a block holds dimension d of its items). The scores of a block then come from
 * {@code dim} element-wise multiply-adds over contiguous rows, {@code s[i] += q[d] · block[d][i]},
 * a loop that HotSpot's C2 compiles to SIMD instructions (AVX2/AVX-512: 8–16 items per instruction)
 * without the incubating Vector API; a dot product per item is a reduction, which C2 does not
 * vectorise for floats. Four queries share each load of the block (register blocking), and the
 * block (64 KiB at 256 × 64) stays in L1/L2 for the batch. Each score is summed over d in order,
 * the same float operations as a plain {@code for d: s += q[d] · v[d]} loop.
 *
 * <p>Ties are broken by the lower item index and NaN scores are skipped, exactly like {@link
 * TopN#select}. Immutable and thread-safe: each {@link #search} call owns its heaps and scratch.
 */
public final class ExactTopK implements Retrieval {
  /** Default rows per chunk (kept for callers): the scan uses blocks of min(chunk, 256) items. */
  public static final int DEFAULT_CHUNK = 4096;

  /** Largest block: 256 items × 64 dimensions = 64 KiB, four score rows of 1 KiB. */
  public static final int MAX_BLOCK = 256;

  // blockRows[b · dim + d][i] = dimension d of item b · block + i (zero past the last item). One
  // array per (block, dimension): the kernel's loads and stores then share the index i, which is
  // what lets C2 vectorise it (with an offset into one shared array it cannot rule out aliasing).
  private final float[][] blockRows;
  private final int numItems;
  private final int dim;
  private final int chunkSize;
  private final int block;

  /**
   * Copies {@code items} into the column-blocked layout (the caller may drop its array).
   *
   * @param items row-major {@code float[numItems · dim]}
   * @param dim vector width, at least 1
   * @param chunkSize at least 1; items per block is {@code min(chunkSize, MAX_BLOCK)}
   * @throws IllegalArgumentException if the length is not a multiple of {@code dim} or a size is
   *     not positive
   */
  public ExactTopK(float[] items, int dim, int chunkSize) {
    this(check(items, dim, chunkSize).length / dim, dim, chunkSize);
    for (int i = 0; i < numItems; i++) {
      int base = (i / block) * dim;
      for (int d = 0; d < dim; d++) {
        blockRows[base + d][i % block] = items[i * dim + d];
      }
    }
  }

  private static float[] check(float[] items, int dim, int chunkSize) {
    if (dim <= 0 || chunkSize <= 0 || items.length % dim != 0) {
      throw new IllegalArgumentException(
          "need dim > 0, chunkSize > 0 and items.length % dim == 0: "
              + items.length
              + ", "
              + dim
              + ", "
              + chunkSize);
    }
    return items;
  }

  /** An index of {@code numItems} zero vectors, filled by the caller. */
  private ExactTopK(int numItems, int dim, int chunkSize) {
    this.numItems = numItems;
    this.dim = dim;
    this.chunkSize = chunkSize;
    this.block = Math.min(chunkSize, MAX_BLOCK);
    this.blockRows = new float[blocksOf(numItems, block) * dim][block];
  }

  /**
   * Builds the index from rows {@code float[numItems][dim]} straight into the blocked layout, with
   * no row-major copy in between.
   *
   * @throws IllegalArgumentException if rows differ in width or chunkSize is not positive
   */
  public static ExactTopK of(float[][] rows, int chunkSize) {
    int dim = rows.length == 0 ? 1 : rows[0].length;
    if (chunkSize <= 0 || dim <= 0) {
      throw new IllegalArgumentException("need chunkSize > 0 and dim > 0");
    }
    ExactTopK index = new ExactTopK(rows.length, dim, chunkSize);
    int block = index.block;
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != dim) {
        throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " != " + dim);
      }
      int base = (i / block) * dim;
      for (int d = 0; d < dim; d++) {
        index.blockRows[base + d][i % block] = rows[i][d];
      }
    }
    return index;
  }

  private static int blocksOf(int numItems, int block) {
    return (numItems + block - 1) / block;
  }

  /** Returns a copy of {@code rows} {@code float[numItems][dim]} flattened row-major. */
  public static float[] flatten(float[][] rows) {
    if (rows.length == 0) {
      return new float[0];
    }
    int d = rows[0].length;
    float[] flat = new float[rows.length * d];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != d) {
        throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " != " + d);
      }
      System.arraycopy(rows[i], 0, flat, i * d, d);
    }
    return flat;
  }

  @Override
  public String describe() {
    return "exact";
  }

  /** Returns N, the number of item rows. */
  @Override
  public int numItems() {
    return numItems;
  }

  /** Returns the vector width. */
  @Override
  public int dim() {
    return dim;
  }

  /** Returns the chunk size given at construction. */
  public int chunkSize() {
    return chunkSize;
  }

  /** Returns the items per column-major block, {@code min(chunkSize, MAX_BLOCK)}. */
  public int blockSize() {
    return block;
  }

  /** Returns the bytes the matrix takes in this index (the padded blocks). */
  @Override
  public long matrixBytes() {
    return 4L * blockRows.length * block;
  }

  /**
   * Returns item {@code i}'s vector, a new {@code float[dim]} gathered from its block (one load per
   * dimension, each from another row of the block: for the few rows a request reads, not for
   * scans).
   *
   * @throws IndexOutOfBoundsException if {@code i} is outside {@code [0, numItems)}
   */
  @Override
  public float[] row(int i) {
    if (i < 0 || i >= numItems) {
      throw new IndexOutOfBoundsException("item " + i + " of " + numItems);
    }
    float[] v = new float[dim];
    int base = (i / block) * dim;
    int at = i % block;
    for (int d = 0; d < dim; d++) {
      v[d] = blockRows[base + d][at];
    }
    return v;
  }

  /**
   * Returns {@code scale · (query · item)} of every item, {@code float[numItems]}: the same float
   * operations as {@link #search}'s scores (summed over d in order, then scaled), bit for bit.
   */
  @Override
  public float[] scoreAll(float[] query, float scale) {
    if (query.length != dim) {
      throw new IllegalArgumentException("query has width " + query.length + " != " + dim);
    }
    float[] out = new float[numItems];
    float[] s = new float[block];
    for (int bi = 0, numBlocks = blocksOf(numItems, block); bi < numBlocks; bi++) {
      int first = bi * block;
      int n = Math.min(block, numItems - first);
      scores1(bi * dim, query, s);
      for (int i = 0; i < n; i++) {
        out[first + i] = s[i] * scale;
      }
    }
    return out;
  }

  /**
   * Returns, for each query, its {@code k[b]} best items by {@code scale · (query · item)}, best
   * first.
   *
   * @param queries {@code float[B][dim]}
   * @param k {@code int[B]}, each at least 0
   * @param exclude {@code B} predicates (null array or null entries: none); an excluded item is
   *     never returned; a predicate is only asked about items that would enter the heap
   * @param scale positive factor applied to the returned scores (the model's inverse temperature)
   * @throws IllegalArgumentException if shapes disagree, a k is negative or scale is not positive
   */
  @Override
  public TopN[] search(float[][] queries, int[] k, IntPredicate[] exclude, float scale) {
    return search(queries, k, exclude, scale, null, null);
  }

  /**
   * As {@link #search(float[][], int[], IntPredicate[], float)}, and also records, for each query
   * b, the score {@code scale · (query · item)} of each item of {@code capture[b]} into {@code
   * captured[b]} (same position), from the same scan: the wide-and-deep rescoring then needs no
   * item row (the matrix is held once, column-blocked, where a row read costs a load per
   * dimension). The values are bit for bit those of {@link #scoreAll} and of the returned scores.
   *
   * @param capture {@code B} item lists (null array or entries: nothing), items in {@code [0,
   *     numItems)}, any order, repeats allowed
   * @param captured {@code B} arrays at least as long as their {@code capture[b]}
   * @throws IllegalArgumentException also if a captured item is out of range
   */
  @Override
  public TopN[] search(
      float[][] queries,
      int[] k,
      IntPredicate[] exclude,
      float scale,
      int[][] capture,
      float[][] captured) {
    int b = queries.length;
    // Per query: (item << 32 | position) ascending, consumed block by block with a cursor.
    long[][] wanted = new long[b][];
    int[] cursor = new int[b];
    if (capture != null) {
      for (int q = 0; q < b && q < capture.length; q++) {
        if (capture[q] == null || capture[q].length == 0) {
          continue;
        }
        long[] w = new long[capture[q].length];
        for (int p = 0; p < w.length; p++) {
          int item = capture[q][p];
          if (item < 0 || item >= numItems) {
            throw new IllegalArgumentException("captured item " + item + " of " + numItems);
          }
          w[p] = ((long) item << 32) | p;
        }
        java.util.Arrays.sort(w);
        wanted[q] = w;
      }
    }
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
    float[] s0 = new float[block];
    float[] s1 = new float[block];
    float[] s2 = new float[block];
    float[] s3 = new float[block];
    int numBlocks = blocksOf(numItems, block);
    for (int bi = 0; bi < numBlocks; bi++) {
      int first = bi * block;
      int n = Math.min(block, numItems - first);
      int base = bi * dim;
      int q = 0;
      for (; q + 3 < b; q += 4) {
        scores4(base, queries[q], queries[q + 1], queries[q + 2], queries[q + 3], s0, s1, s2, s3);
        offer(heaps[q], s0, first, n, ex[q]);
        offer(heaps[q + 1], s1, first, n, ex[q + 1]);
        offer(heaps[q + 2], s2, first, n, ex[q + 2]);
        offer(heaps[q + 3], s3, first, n, ex[q + 3]);
        cursor[q] = record(wanted[q], cursor[q], s0, first, n, scale, captured, q);
        cursor[q + 1] = record(wanted[q + 1], cursor[q + 1], s1, first, n, scale, captured, q + 1);
        cursor[q + 2] = record(wanted[q + 2], cursor[q + 2], s2, first, n, scale, captured, q + 2);
        cursor[q + 3] = record(wanted[q + 3], cursor[q + 3], s3, first, n, scale, captured, q + 3);
      }
      for (; q < b; q++) {
        scores1(base, queries[q], s0);
        offer(heaps[q], s0, first, n, ex[q]);
        cursor[q] = record(wanted[q], cursor[q], s0, first, n, scale, captured, q);
      }
    }
    TopN[] out = new TopN[b];
    for (int q = 0; q < b; q++) {
      out[q] = TopN.drain(heaps[q], scale);
    }
    return out;
  }

  private void scores1(int base, float[] x, float[] s) {
    BlockKernel.scores1(blockRows, base, dim, x, s);
  }

  private void scores4(
      int base,
      float[] x0,
      float[] x1,
      float[] x2,
      float[] x3,
      float[] s0,
      float[] s1,
      float[] s2,
      float[] s3) {
    BlockKernel.scores4(blockRows, base, dim, x0, x1, x2, x3, s0, s1, s2, s3);
  }

  /**
   * Copies the scaled scores of the wanted items of this block (items {@code first ..first + n})
   * into {@code captured[q]}; returns the cursor past them.
   */
  private static int record(
      long[] wanted,
      int cursor,
      float[] s,
      int first,
      int n,
      float scale,
      float[][] captured,
      int q) {
    if (wanted == null) {
      return cursor;
    }
    int end = first + n;
    int p = cursor;
    while (p < wanted.length && (int) (wanted[p] >>> 32) < end) {
      captured[q][(int) wanted[p]] = s[(int) (wanted[p] >>> 32) - first] * scale;
      p++;
    }
    return p;
  }

  /** Feeds a block's scores (items {@code first ..first + n}) to one heap, ascending by item. */
  private static void offer(TopK.Heap heap, float[] s, int first, int n, IntPredicate exclude) {
    if (heap.capacity() == 0) {
      return;
    }
    for (int i = 0; i < n; i++) {
      float v = s[i];
      // Most items lose against a full heap's root: one compare, no call.
      if (heap.full() && !(v > heap.minScore())) {
        continue;
      }
      consider(heap, first + i, v, exclude);
    }
  }

  private static void consider(TopK.Heap heap, int item, float s, IntPredicate exclude) {
    if (heap.capacity() == 0
        || Float.isNaN(s)
        // Ascending scan: an equal score has a higher index than the root, so it loses the tie.
        || (heap.full() && !(s > heap.minScore()))
        || (exclude != null && exclude.test(item))) {
      return;
    }
    heap.offer(item, s);
  }
}
