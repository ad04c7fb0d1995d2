package io.carousel.offline.eval;

import io.carousel.engine.Catalog;
import io.carousel.offline.data.Dataset;
import io.carousel.offline.data.Interaction;
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
 * <p>Candidates (issue 13): the items a model may rank at a stage are those known without looking
 * at a held-out event: items listed in the shop's catalogue file ({@link Dataset#listed()}, events
 * or not) and items that occur in the stage's fit data (cold items' events included, see below). An
 * item whose only events are held out is not a candidate: a catalogue built from the whole log
 * would hold it although it has no fit event, and every such item is a target, so a model could
 * learn the targets from "no fit events" (the wide term's cold transfer did). Its targets are
 * misses for every model ({@link #unknownTargets}).
 *
 * <p>Cold items ({@link #of(Dataset, double, long)} with a positive share): a seeded share of the
 * items known at the validation stage (listed, or with an event before the validation targets) is
 * removed from every fit sequence and every history fed to a model; such items stay candidates and
 * possible targets, known only by their text. They are chosen from the item order alone (a seeded
 * shuffle), never from the targets, and only among items a shop would have in its catalogue at both
 * stages.
 *
 * <p>Weighted event types (issue 13 §4, {@code --types fav=0.5}): only a target interaction ({@link
 * Interaction#isTarget()}: weight 1 always, weight w with probability w, weight 0 never) can be
 * held out, and only targets are fit data (what a model learns to predict, as in training). A
 * context-only interaction stays in the user's history and seen items before a target; the test
 * target is the user's last target, the validation target the target before it, and a user is
 * evaluated when something precedes the validation target. Context-only interactions after the last
 * target are no stage's data. With every weight 1 this is the plain protocol above.
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
  // Per user: the positions of the validation and test targets; -1 when the user is not evaluated.
  private final int[] validationCut;
  private final int[] testCut;
  // Per user: which positions may be fit data and targets; null when all may (every weight 1).
  private final List<boolean[]> targetable;
  private final int[] evaluated;
  private final boolean[] cold;
  private final boolean[] validationCandidates;
  private final boolean[] testCandidates;
  private final boolean repeats;

  private LeaveOneOut(
      int numItems,
      List<int[]> sequences,
      List<boolean[]> targetable,
      boolean[] listed,
      double coldShare,
      long seed) {
    this.numItems = numItems;
    this.sequences = sequences;
    this.targetable = targetable;
    this.validationCut = new int[sequences.size()];
    this.testCut = new int[sequences.size()];
    for (int u = 0; u < sequences.size(); u++) {
      int test = lastTargetable(u, sequences.get(u).length);
      int validation = test < 0 ? -1 : lastTargetable(u, test);
      boolean eval = validation >= 1;
      testCut[u] = eval ? test : -1;
      validationCut[u] = eval ? validation : -1;
    }
    this.evaluated =
        java.util.stream.IntStream.range(0, sequences.size())
            .filter(u -> testCut[u] >= 0)
            .toArray();
    this.validationCandidates = known(listed, Stage.VALIDATION);
    this.testCandidates = known(listed, Stage.TEST);
    this.cold = chooseCold(validationCandidates, coldShare, seed);
    this.repeats = false;
  }

  /** The same split as {@code full}, evaluating only {@code evaluated}. */
  private LeaveOneOut(LeaveOneOut full, int[] evaluated, boolean repeats) {
    this.numItems = full.numItems;
    this.sequences = full.sequences;
    this.targetable = full.targetable;
    this.validationCut = full.validationCut;
    this.testCut = full.testCut;
    this.cold = full.cold;
    this.validationCandidates = full.validationCandidates;
    this.testCandidates = full.testCandidates;
    this.evaluated = evaluated;
    this.repeats = repeats;
  }

  /**
   * Returns the same split (fit data, targets, candidates) with the shop's repeat behaviour
   * allowed: the user's earlier items stay rankable ({@link #seen} is empty), so a target the user
   * viewed before can be a hit instead of a miss for every model.
   */
  public LeaveOneOut allowingRepeats() {
    return new LeaveOneOut(this, evaluated, true);
  }

  /** Returns the same split with the user's earlier items excluded again (the default). */
  public LeaveOneOut excludingRepeats() {
    return repeats ? new LeaveOneOut(this, evaluated, false) : this;
  }

  /** Returns whether the user's earlier items stay rankable ({@link #allowingRepeats}). */
  public boolean repeatsAllowed() {
    return repeats;
  }

  /** Listed items and items that occur in {@code stage}'s fit data, cold items not yet removed. */
  private boolean[] known(boolean[] listed, Stage stage) {
    boolean[] known = listed.clone();
    for (int u = 0; u < sequences.size(); u++) {
      int[] s = sequences.get(u);
      int end = testCut[u] >= 0 ? cut(u, stage) : s.length;
      for (int k = 0; k < end; k++) {
        known[s[k]] = true;
      }
    }
    return known;
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
    return new LeaveOneOut(this, sample, repeats);
  }

  /**
   * Splits {@code dataset} (interactions sorted by time, then user, then item id, as {@link
   * io.carousel.offline.data.DatasetReader} returns them).
   *
   * @param coldShare share of items made cold, in [0, 1)
   * @param seed chooses the cold items (Fisher-Yates shuffle with {@link Random})
   */
  public static LeaveOneOut of(Dataset dataset, double coldShare, long seed) {
    if (!(coldShare >= 0 && coldShare < 1)) {
      throw new IllegalArgumentException("cold share must be in [0, 1): " + coldShare);
    }
    Catalog catalog = dataset.catalog();
    boolean[] listed = new boolean[catalog.size()];
    for (String id : dataset.listed()) {
      int i = catalog.indexOf(id);
      if (i >= 0) {
        listed[i] = true;
      }
    }
    Map<String, List<Interaction>> byUser = new LinkedHashMap<>();
    boolean weighted = false;
    for (Interaction it : dataset.interactions()) {
      if (catalog.indexOf(it.itemId()) >= 0) {
        byUser.computeIfAbsent(it.userId(), u -> new ArrayList<>()).add(it);
        weighted |= it.weight() < 1;
      }
    }
    List<int[]> seqs = new ArrayList<>(byUser.size());
    List<boolean[]> targetable = weighted ? new ArrayList<>(byUser.size()) : null;
    for (List<Interaction> l : byUser.values()) {
      int[] seq = new int[l.size()];
      boolean[] t = new boolean[l.size()];
      for (int k = 0; k < seq.length; k++) {
        seq[k] = catalog.indexOf(l.get(k).itemId());
        t[k] = l.get(k).isTarget();
      }
      seqs.add(seq);
      if (weighted) {
        targetable.add(t);
      }
    }
    return new LeaveOneOut(catalog.size(), seqs, targetable, listed, coldShare, seed);
  }

  /**
   * Builds a split from explicit time-ordered sequences; no cold items, no listed items (an item is
   * a candidate once it occurs in a stage's fit data).
   */
  public static LeaveOneOut ofSequences(int numItems, List<int[]> sequences) {
    return ofSequences(numItems, sequences, new boolean[numItems]);
  }

  /**
   * As {@link #ofSequences(int, List)}, with {@code listed[i]} marking the items of a shop's
   * catalogue file (candidates at every stage, events or not).
   */
  public static LeaveOneOut ofSequences(int numItems, List<int[]> sequences, boolean[] listed) {
    return new LeaveOneOut(numItems, List.copyOf(sequences), null, listed.clone(), 0, 0L);
  }

  /**
   * Shuffles every index (Fisher-Yates, seeded, as before issue 13) and keeps the first {@code
   * round(share · |pool|)} that are in {@code pool}: the choice depends on the seed and on which
   * items are known before the validation targets, never on the targets themselves.
   */
  private static boolean[] chooseCold(boolean[] pool, double share, long seed) {
    int numItems = pool.length;
    int poolSize = 0;
    for (boolean p : pool) {
      poolSize += p ? 1 : 0;
    }
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
    int count = (int) Math.round(poolSize * share);
    for (int k = 0, chosen = 0; k < numItems && chosen < count; k++) {
      if (pool[perm[k]]) {
        cold[perm[k]] = true;
        chosen++;
      }
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
   * Returns whether item {@code i} is a candidate at {@code stage}: listed in the shop's catalogue
   * file or occurring in the stage's fit data (before cold items are removed).
   */
  public boolean isCandidate(int i, Stage stage) {
    return (stage == Stage.TEST ? testCandidates : validationCandidates)[i];
  }

  /** Returns {@code boolean[numItems]}: the candidates of {@code stage} (a copy). */
  public boolean[] candidates(Stage stage) {
    return (stage == Stage.TEST ? testCandidates : validationCandidates).clone();
  }

  /** Returns the number of candidates of {@code stage}. */
  public int numCandidates(Stage stage) {
    int n = 0;
    for (boolean c : stage == Stage.TEST ? testCandidates : validationCandidates) {
      n += c ? 1 : 0;
    }
    return n;
  }

  /**
   * Returns the number of evaluated users whose {@code stage} target is not a candidate (an item
   * seen only in held-out events): a miss for every model.
   */
  public int unknownTargets(Stage stage) {
    int n = 0;
    for (int u : evaluated) {
      n += isCandidate(target(u, stage), stage) ? 0 : 1;
    }
    return n;
  }

  /**
   * Returns {@code boolean[numItems]}: the items a model of {@code stage} must not train on or
   * rank, cold items and non-candidates (the two-tower model trains on the rest).
   */
  public boolean[] keptOutOfModel(Stage stage) {
    boolean[] out = new boolean[numItems];
    for (int i = 0; i < numItems; i++) {
      out[i] = cold[i] || !isCandidate(i, stage);
    }
    return out;
  }

  /**
   * Returns {@code text} with the rows of {@code stage}'s non-candidates zeroed: the text of an
   * item seen only in held-out events must not reach a model (the rows of candidates are shared,
   * not copied).
   */
  public float[][] candidateText(float[][] text, Stage stage) {
    float[][] out = text.clone();
    for (int i = 0; i < out.length; i++) {
      if (!isCandidate(i, stage)) {
        out[i] = new float[text[i].length];
      }
    }
    return out;
  }

  /**
   * Returns the fit data of {@code stage}: per user (index = user), the items before the target
   * (the whole sequence for users not evaluated), cold items removed.
   */
  public List<int[]> fitSequences(Stage stage) {
    List<int[]> out = new ArrayList<>(sequences.size());
    for (int u = 0; u < sequences.size(); u++) {
      int[] s = sequences.get(u);
      out.add(withoutCold(targetsOnly(u, testCut[u] >= 0 ? cut(u, stage) : s.length)));
    }
    return out;
  }

  /** Returns user {@code u}'s history before the {@code stage} target, cold items removed. */
  public int[] history(int u, Stage stage) {
    int[] s = sequences.get(u);
    return withoutCold(Arrays.copyOf(s, cut(u, stage)));
  }

  /**
   * Returns user {@code u}'s items before the {@code stage} target, cold included (to exclude);
   * none when repeats are allowed.
   */
  public int[] seen(int u, Stage stage) {
    if (repeats) {
      return new int[0];
    }
    int[] s = sequences.get(u);
    return Arrays.copyOf(s, cut(u, stage));
  }

  /** Returns user {@code u}'s {@code stage} target item. */
  public int target(int u, Stage stage) {
    int[] s = sequences.get(u);
    return s[cut(u, stage)];
  }

  /** The position of evaluated user {@code u}'s {@code stage} target. */
  private int cut(int u, Stage stage) {
    return stage == Stage.TEST ? testCut[u] : validationCut[u];
  }

  /** The last position before {@code end} of user {@code u} that may be a target, or -1. */
  private int lastTargetable(int u, int end) {
    if (targetable == null) {
      return end - 1;
    }
    boolean[] t = targetable.get(u);
    for (int k = end - 1; k >= 0; k--) {
      if (t[k]) {
        return k;
      }
    }
    return -1;
  }

  /** User {@code u}'s first {@code end} items that may be fit data (all with every weight 1). */
  private int[] targetsOnly(int u, int end) {
    int[] s = sequences.get(u);
    if (targetable == null) {
      return end == s.length ? s : Arrays.copyOf(s, end);
    }
    boolean[] t = targetable.get(u);
    int n = 0;
    for (int k = 0; k < end; k++) {
      n += t[k] ? 1 : 0;
    }
    int[] out = new int[n];
    for (int k = 0, j = 0; k < end; k++) {
      if (t[k]) {
        out[j++] = s[k];
      }
    }
    return out;
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
