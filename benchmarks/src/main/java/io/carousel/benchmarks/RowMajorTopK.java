package io.carousel.benchmarks;

import io.carousel.engine.retrieval.TopN;
import java.util.function.IntPredicate;

/**
 * The engine's {@code ExactTopK} as it was before the column-blocked kernel (issue 15), kept
 * unchanged as the baseline of {@link RetrievalBenchmark}: row-major matrix, one item row scored
 * against four queries at a time, a four-accumulator dot product for the rest.
 *
 * <p>Exact maximum-inner-product top-k over an item matrix without materialising a {@code B × N}
 * score matrix: the items are scanned in chunks of {@link #chunkSize()} rows, and each chunk is
 * scored against every query of the batch while it is hot in cache, feeding one bounded min-heap
 * per query (blocked brute-force search, as in FAISS {@code IndexFlatIP}: Johnson, Douze, Jégou,
 * "Billion-scale similarity search with GPUs", 2017, §3). Memory beyond the matrix is {@code O(B ·
 * k)}; time is {@code O(B · N · dim + B · N · log k)}.
 *
 * <p>Ties are broken by the lower item index and NaN scores are skipped, exactly like {@link
 * TopN#select}. Immutable and thread-safe: each {@link #search} call owns its heaps.
 */
public final class RowMajorTopK {
  /** Default rows per chunk: 4096 × 64 floats = 1 MiB, about one L2 cache. */
  public static final int DEFAULT_CHUNK = 4096;

  private final float[] items;
  private final int numItems;
  private final int dim;
  private final int chunkSize;

  /**
   * Wraps {@code items} without copying.
   *
   * @param items row-major {@code float[numItems · dim]}
   * @param dim vector width, at least 1
   * @param chunkSize rows scanned per chunk, at least 1
   * @throws IllegalArgumentException if the length is not a multiple of {@code dim} or a size is
   *     not positive
   */
  public RowMajorTopK(float[] items, int dim, int chunkSize) {
    if (dim <= 0 || chunkSize <= 0 || items.length % dim != 0) {
      throw new IllegalArgumentException(
          "need dim > 0, chunkSize > 0 and items.length % dim == 0: "
              + items.length
              + ", "
              + dim
              + ", "
              + chunkSize);
    }
    this.items = items;
    this.numItems = items.length / dim;
    this.dim = dim;
    this.chunkSize = chunkSize;
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

  /** Returns N, the number of item rows. */
  public int numItems() {
    return numItems;
  }

  /** Returns the vector width. */
  public int dim() {
    return dim;
  }

  /** Returns the rows scanned per chunk. */
  public int chunkSize() {
    return chunkSize;
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
  public TopN[] search(float[][] queries, int[] k, IntPredicate[] exclude, float scale) {
    int b = queries.length;
    if (k.length != b || (exclude != null && exclude.length != b) || !(scale > 0)) {
      throw new IllegalArgumentException(
          "queries, k and exclude must have the same length and scale must be > 0");
    }
    Heap[] heaps = new Heap[b];
    for (int q = 0; q < b; q++) {
      if (queries[q].length != dim) {
        throw new IllegalArgumentException("query " + q + " has width " + queries[q].length);
      }
      if (k[q] < 0) {
        throw new IllegalArgumentException("k must be >= 0: " + k[q]);
      }
      heaps[q] = new Heap(Math.min(k[q], numItems));
    }
    IntPredicate[] ex = exclude == null ? new IntPredicate[b] : exclude;
    for (int start = 0; start < numItems; start += chunkSize) {
      scanChunk(queries, start, Math.min(numItems, start + chunkSize), heaps, ex);
    }
    TopN[] out = new TopN[b];
    for (int q = 0; q < b; q++) {
      out[q] = heaps[q].drain(scale);
    }
    return out;
  }

  /**
   * Item-major scan: each item row is loaded once and scored against four queries at a time, so a
   * batch of B reads the matrix once instead of B times (register blocking of a GEMM kernel).
   */
  private void scanChunk(
      float[][] queries, int start, int end, Heap[] heaps, IntPredicate[] exclude) {
    int b = queries.length;
    for (int i = start; i < end; i++) {
      int off = i * dim;
      int q = 0;
      for (; q + 3 < b; q += 4) {
        float[] x0 = queries[q];
        float[] x1 = queries[q + 1];
        float[] x2 = queries[q + 2];
        float[] x3 = queries[q + 3];
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        for (int j = 0; j < dim; j++) {
          float v = items[off + j];
          s0 += x0[j] * v;
          s1 += x1[j] * v;
          s2 += x2[j] * v;
          s3 += x3[j] * v;
        }
        consider(heaps[q], i, s0, exclude[q]);
        consider(heaps[q + 1], i, s1, exclude[q + 1]);
        consider(heaps[q + 2], i, s2, exclude[q + 2]);
        consider(heaps[q + 3], i, s3, exclude[q + 3]);
      }
      for (; q < b; q++) {
        consider(heaps[q], i, dot(queries[q], off), exclude[q]);
      }
    }
  }

  private static void consider(Heap heap, int item, float s, IntPredicate exclude) {
    if (heap.capacity == 0
        || Float.isNaN(s)
        // Ascending scan: an equal score has a higher index than the root, so it loses the tie.
        || (heap.full() && !(s > heap.minScore()))
        || (exclude != null && exclude.test(item))) {
      return;
    }
    heap.offer(item, s);
  }

  private float dot(float[] q, int offset) {
    // Four accumulators break the add dependency chain; C2 does not vectorise float reductions.
    float a0 = 0;
    float a1 = 0;
    float a2 = 0;
    float a3 = 0;
    int j = 0;
    for (; j + 3 < dim; j += 4) {
      a0 += q[j] * items[offset + j];
      a1 += q[j + 1] * items[offset + j + 1];
      a2 += q[j + 2] * items[offset + j + 2];
      a3 += q[j + 3] * items[offset + j + 3];
    }
    for (; j < dim; j++) {
      a0 += q[j] * items[offset + j];
    }
    return (a0 + a1) + (a2 + a3);
  }

  /** Bounded binary min-heap of (item, score); the root is the worst kept entry. */
  private static final class Heap {
    final int capacity;
    final int[] ids;
    final float[] scores;
    int size;

    Heap(int capacity) {
      this.capacity = capacity;
      this.ids = new int[capacity];
      this.scores = new float[capacity];
    }

    boolean full() {
      return size == capacity;
    }

    float minScore() {
      return scores[0];
    }

    void offer(int id, float score) {
      if (size < capacity) {
        ids[size] = id;
        scores[size] = score;
        siftUp(size++);
      } else {
        ids[0] = id;
        scores[0] = score;
        siftDown();
      }
    }

    TopN drain(float scale) {
      int n = size;
      int[] outIds = new int[n];
      float[] outScores = new float[n];
      for (int pos = n - 1; pos >= 0; pos--) {
        outIds[pos] = ids[0];
        outScores[pos] = scores[0] * scale;
        size--;
        ids[0] = ids[size];
        scores[0] = scores[size];
        siftDown();
      }
      return new TopN(outIds, outScores);
    }

    /** True when entry a ranks below entry b: lower score, or equal and higher index. */
    private boolean worse(int a, int b) {
      return scores[a] < scores[b] || (scores[a] == scores[b] && ids[a] > ids[b]);
    }

    private void siftUp(int pos) {
      while (pos > 0) {
        int parent = (pos - 1) >>> 1;
        if (!worse(pos, parent)) {
          return;
        }
        swap(pos, parent);
        pos = parent;
      }
    }

    private void siftDown() {
      int pos = 0;
      while (true) {
        int left = 2 * pos + 1;
        if (left >= size) {
          return;
        }
        int child = left + 1 < size && worse(left + 1, left) ? left + 1 : left;
        if (!worse(child, pos)) {
          return;
        }
        swap(pos, child);
        pos = child;
      }
    }

    private void swap(int a, int b) {
      int id = ids[a];
      ids[a] = ids[b];
      ids[b] = id;
      float s = scores[a];
      scores[a] = scores[b];
      scores[b] = s;
    }
  }
}
