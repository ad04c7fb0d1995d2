package io.carousel.engine.eval;

import io.carousel.engine.Catalog;
import io.carousel.engine.Dataset;
import io.carousel.engine.Interaction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The leave-one-out next-item protocol (Kang and McAuley, "Self-Attentive Sequential
 * Recommendation", ICDM 2018, §IV-A): each user's (or session's) interactions sorted by time, ties
 * by item id; the last one is the test target, the one before the validation target; models fit on
 * the rest. Users with fewer than 3 interactions are not evaluated but their interactions are fit
 * data in both stages (they are nobody's target).
 *
 * <p>Cold items ({@link #of(Dataset, double, long)} with a positive share): a seeded share of the
 * catalogue is removed from every fit sequence and every history fed to a model; such items stay
 * possible targets, known only by their text.
 */
public final class LeaveOneOut {
  /** Which held-out item is the target. */
  public enum Stage {
    /** Target: the second-to-last interaction; fit data: everything before it. */
    VALIDATION,
    /** Target: the last interaction; fit data: everything before it. */
    TEST
  }

  private final int numItems;
  private final List<int[]> sequences;
  private final int[] evaluated;
  private final boolean[] cold;

  private LeaveOneOut(int numItems, List<int[]> sequences, boolean[] cold) {
    this(
        numItems,
        sequences,
        cold,
        java.util.stream.IntStream.range(0, sequences.size())
            .filter(u -> sequences.get(u).length >= 3)
            .toArray());
  }

  private LeaveOneOut(int numItems, List<int[]> sequences, boolean[] cold, int[] evaluated) {
    this.numItems = numItems;
    this.sequences = sequences;
    this.cold = cold;
    this.evaluated = evaluated;
  }

  /**
   * Returns the same split (same fit data, same targets) evaluating only a seeded sample of at most
   * {@code max} of its evaluated users (all when there are no more), ascending; bounds the cost of
   * choices made on held-out targets of a large log.
   *
   * @param seed chooses the sample (partial Fisher-Yates shuffle with {@link Random})
   */
  public LeaveOneOut sampleEvaluated(int max, long seed) {
    if (evaluated.length <= max) {
      return this;
    }
    int[] perm = evaluated.clone();
    Random rng = new Random(seed);
    for (int k = 0; k < max; k++) {
      int j = k + rng.nextInt(perm.length - k);
      int t = perm[k];
      perm[k] = perm[j];
      perm[j] = t;
    }
    int[] sample = Arrays.copyOf(perm, max);
    Arrays.sort(sample);
    return new LeaveOneOut(numItems, sequences, cold, sample);
  }

  /**
   * Splits {@code dataset} (interactions sorted by time, then user, then item id, as {@link
   * io.carousel.engine.data.DatasetReader} returns them).
   *
   * @param coldShare share of items made cold, in [0, 1)
   * @param seed chooses the cold items (Fisher-Yates shuffle with {@link Random})
   */
  public static LeaveOneOut of(Dataset dataset, double coldShare, long seed) {
    if (!(coldShare >= 0 && coldShare < 1)) {
      throw new IllegalArgumentException("cold share must be in [0, 1): " + coldShare);
    }
    Catalog catalog = dataset.catalog();
    Map<String, List<Integer>> byUser = new LinkedHashMap<>();
    for (Interaction it : dataset.interactions()) {
      int i = catalog.indexOf(it.itemId());
      if (i >= 0) {
        byUser.computeIfAbsent(it.userId(), u -> new ArrayList<>()).add(i);
      }
    }
    List<int[]> seqs = new ArrayList<>(byUser.size());
    byUser.values().forEach(l -> seqs.add(l.stream().mapToInt(Integer::intValue).toArray()));
    return new LeaveOneOut(catalog.size(), seqs, chooseCold(catalog.size(), coldShare, seed));
  }

  /** Builds a split from explicit time-ordered sequences (tests); no cold items. */
  public static LeaveOneOut ofSequences(int numItems, List<int[]> sequences) {
    return new LeaveOneOut(numItems, List.copyOf(sequences), new boolean[numItems]);
  }

  private static boolean[] chooseCold(int numItems, double share, long seed) {
    int[] perm = new int[numItems];
    for (int i = 0; i < numItems; i++) {
      perm[i] = i;
    }
    Random rng = new Random(seed);
    for (int i = numItems - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    boolean[] cold = new boolean[numItems];
    int count = (int) Math.round(numItems * share);
    for (int k = 0; k < count; k++) {
      cold[perm[k]] = true;
    }
    return cold;
  }

  /** Returns the catalogue size; item indices are in {@code [0, numItems)}. */
  public int numItems() {
    return numItems;
  }

  /** Returns the number of users (sessions) in the log, evaluated or not. */
  public int numUsers() {
    return sequences.size();
  }

  /** Returns the indices of the evaluated users (3 or more interactions), ascending. */
  public int[] evaluatedUsers() {
    return evaluated.clone();
  }

  /** Returns whether item {@code i} is cold. */
  public boolean isCold(int i) {
    return cold[i];
  }

  /** Returns the number of cold items. */
  public int numCold() {
    int n = 0;
    for (boolean c : cold) {
      n += c ? 1 : 0;
    }
    return n;
  }

  /**
   * Returns the fit data of {@code stage}: per user (index = user), the items before the target
   * (the whole sequence for users not evaluated), cold items removed.
   */
  public List<int[]> fitSequences(Stage stage) {
    List<int[]> out = new ArrayList<>(sequences.size());
    for (int u = 0; u < sequences.size(); u++) {
      int[] s = sequences.get(u);
      out.add(withoutCold(s.length >= 3 ? Arrays.copyOf(s, cut(s, stage)) : s));
    }
    return out;
  }

  /** Returns user {@code u}'s history before the {@code stage} target, cold items removed. */
  public int[] history(int u, Stage stage) {
    int[] s = sequences.get(u);
    return withoutCold(Arrays.copyOf(s, cut(s, stage)));
  }

  /** Returns user {@code u}'s items before the {@code stage} target, cold included (to exclude). */
  public int[] seen(int u, Stage stage) {
    int[] s = sequences.get(u);
    return Arrays.copyOf(s, cut(s, stage));
  }

  /** Returns user {@code u}'s {@code stage} target item. */
  public int target(int u, Stage stage) {
    int[] s = sequences.get(u);
    return s[cut(s, stage)];
  }

  private static int cut(int[] s, Stage stage) {
    return stage == Stage.TEST ? s.length - 1 : s.length - 2;
  }

  private int[] withoutCold(int[] s) {
    int n = 0;
    for (int i : s) {
      n += cold[i] ? 0 : 1;
    }
    if (n == s.length) {
      return s;
    }
    int[] out = new int[n];
    int k = 0;
    for (int i : s) {
      if (!cold[i]) {
        out[k++] = i;
      }
    }
    return out;
  }
}
