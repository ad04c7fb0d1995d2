package io.carousel.policy;

import java.util.function.IntPredicate;

/**
 * The one top-k selection of the code base: a bounded binary min-heap of (index, score) whose root
 * is the worst kept entry, O(n log k) for n offers (Knuth, TAOCP vol. 3, §5.2.3). The policies'
 * slates ({@link #select}), the model's best-n ({@code engine.retrieval.TopN}) and the blocked
 * retrieval scan ({@code engine.retrieval.ExactTopK}) all rank with it.
 *
 * <p>Order: higher score first, ties broken by the lower index; NaN ranks below every number.
 */
public final class TopK {
  private TopK() {}

  /**
   * Writes the indices of the {@code k} best entries of {@code scores} not rejected by {@code
   * excluded} (may be null) into {@code out[0..m)} in descending order and returns m ≤ k; {@code
   * out} needs at least k entries and serves as the heap's index array.
   */
  public static int select(double[] scores, int k, IntPredicate excluded, int[] out) {
    Heap heap = new Heap(out, k);
    for (int i = 0; i < scores.length && k > 0; i++) {
      if (excluded == null || !excluded.test(i)) {
        heap.offer(i, scores[i]);
      }
    }
    return heap.sort();
  }

  /** Float overload of {@link #select(double[], int, IntPredicate, int[])}. */
  public static int select(float[] scores, int k, IntPredicate excluded, int[] out) {
    Heap heap = new Heap(out, k);
    for (int i = 0; i < scores.length && k > 0; i++) {
      if (excluded == null || !excluded.test(i)) {
        heap.offer(i, scores[i]);
      }
    }
    return heap.sort();
  }

  /** Returns true if index i ranks strictly above index j (score desc, index asc, NaN last). */
  static boolean better(double[] s, int i, int j) {
    return above(s[i], i, s[j], j);
  }

  /** True when (score x, index i) ranks strictly above (score y, index j). */
  private static boolean above(double x, int i, double y, int j) {
    int c = compare(x, y);
    return c > 0 || (c == 0 && i < j);
  }

  private static int compare(double x, double y) {
    if (x < y) {
      return -1;
    }
    if (x > y) {
      return 1;
    }
    boolean xNan = x != x;
    boolean yNan = y != y;
    if (xNan == yNan) {
      return 0;
    }
    return xNan ? -1 : 1;
  }

  /**
   * A bounded heap fed one (index, score) at a time, for callers whose scores are never one array
   * (a chunked scan feeding one heap per query). {@link #sort} then puts the kept entries best
   * first, read back with {@link #index} and {@link #score}.
   */
  public static final class Heap {
    private final int[] ids;
    private final double[] scores;
    private final int capacity;
    private int size;
    private boolean sorted;

    /** An empty heap keeping at most {@code capacity} ≥ 0 entries. */
    public Heap(int capacity) {
      this(new int[capacity], capacity);
    }

    private Heap(int[] ids, int capacity) {
      this.ids = ids;
      this.capacity = Math.max(0, capacity);
      this.scores = new double[this.capacity];
    }

    /** The most entries it keeps. */
    public int capacity() {
      return capacity;
    }

    /** True when it keeps {@link #capacity()} entries: an offer must beat the root to enter. */
    public boolean full() {
      return size == capacity;
    }

    /** The score of the worst kept entry (the root); meaningful only when not empty. */
    public double minScore() {
      return scores[0];
    }

    /**
     * Keeps (index, score) if there is room or it ranks above the worst kept entry.
     *
     * @throws IllegalStateException after {@link #sort}
     */
    public void offer(int index, double score) {
      if (sorted) {
        throw new IllegalStateException("offer after sort");
      }
      if (size < capacity) {
        ids[size] = index;
        scores[size] = score;
        siftUp(size++);
      } else if (capacity > 0 && above(score, index, scores[0], ids[0])) {
        ids[0] = index;
        scores[0] = score;
        siftDown(0, size);
      }
    }

    /**
     * Heap-sorts the kept entries in place, best first, and returns their number m; {@link #index}
     * and {@link #score} read positions 0..m-1 afterwards. The heap takes no further offers.
     */
    public int sort() {
      int m = size;
      for (int end = m - 1; end > 0; end--) {
        swap(0, end);
        siftDown(0, end);
      }
      sorted = true;
      return m;
    }

    /** The index at position {@code pos} after {@link #sort}. */
    public int index(int pos) {
      return ids[pos];
    }

    /** The score at position {@code pos} after {@link #sort}. */
    public double score(int pos) {
      return scores[pos];
    }

    // The root is the worst kept entry, so a child never ranks below its parent.
    private void siftUp(int pos) {
      while (pos > 0) {
        int parent = (pos - 1) >>> 1;
        if (!above(scores[parent], ids[parent], scores[pos], ids[pos])) {
          return;
        }
        swap(pos, parent);
        pos = parent;
      }
    }

    private void siftDown(int pos, int end) {
      while (true) {
        int child = 2 * pos + 1;
        if (child >= end) {
          return;
        }
        if (child + 1 < end
            && above(scores[child], ids[child], scores[child + 1], ids[child + 1])) {
          child++;
        }
        if (!above(scores[pos], ids[pos], scores[child], ids[child])) {
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
      double s = scores[a];
      scores[a] = scores[b];
      scores[b] = s;
    }
  }
}
