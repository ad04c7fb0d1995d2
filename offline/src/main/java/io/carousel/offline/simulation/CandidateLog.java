package io.carousel.offline.simulation;

import io.carousel.engine.Catalog;
import io.carousel.offline.data.Interaction;
import io.carousel.offline.data.TimeSplit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The replay's steps with the model's candidates precomputed: for every later interaction, in time
 * order, the user, the item the user took next, and the model's top-N unseen items after the user's
 * history at that moment.
 *
 * <p>The history grows with the logged items, never with what a policy showed, so the candidates do
 * not depend on the policies and are scored ahead in batches of {@code batchSize} histories per
 * TensorFlow call (the sequential part, the posteriors, runs later in {@link BanditReplay}). Seen
 * items (the whole prefix, train part included) are excluded: the datasets keep only the first
 * interaction per (user, item), so a seen item can never be the next one.
 *
 * @param users number of distinct users in the replay
 * @param userOf {@code int[steps]} dense user index of each step
 * @param targets {@code int[steps]} catalogue index of the item the user took at each step
 * @param candidates {@code int[steps][<= N]} catalogue indices, best model score first
 * @param scores {@code float[steps][<= N]} the model's logits of those candidates
 */
public record CandidateLog(
    int users, int[] userOf, int[] targets, int[][] candidates, float[][] scores) {

  /** Scores histories: {@code float[B][numItems]} for {@code int[B][<= N]} histories. */
  @FunctionalInterface
  public interface BatchScorer {
    /** Returns the logits of every item after each history; see TwoTowerScorer.score. */
    float[][] score(int[][] histories);
  }

  /** Returns the number of steps. */
  public int steps() {
    return targets.length;
  }

  /** Returns the share of steps whose next item is among the candidates, the hit-rate ceiling. */
  public double candidateRecall() {
    int in = 0;
    for (int t = 0; t < targets.length; t++) {
      for (int c : candidates[t]) {
        if (c == targets[t]) {
          in++;
          break;
        }
      }
    }
    return targets.length == 0 ? 0 : (double) in / targets.length;
  }

  /**
   * Builds the log: replays {@code split.replay()} (at most {@code maxEvents}, 0 = all) after each
   * user's {@code split.train()} history; interactions with items outside {@code catalog} are
   * skipped; O(steps·numItems) plus the scoring.
   *
   * @param historyLength N, the last items passed to the scorer
   * @param topN candidates per step, at least 1
   * @param batchSize histories per scorer call, at least 1
   */
  public static CandidateLog build(
      TimeSplit split,
      Catalog catalog,
      BatchScorer scorer,
      int historyLength,
      int topN,
      int batchSize,
      int maxEvents) {
    Map<String, int[]> train = TimeSplit.sequencesByUser(split.train(), catalog);
    Map<String, Integer> userIndex = new HashMap<>();
    Map<String, IntSeq> histories = new HashMap<>();
    List<Interaction> replay = split.replay();
    int limit = maxEvents > 0 ? Math.min(maxEvents, replay.size()) : replay.size();
    List<Integer> users = new ArrayList<>();
    List<Integer> targets = new ArrayList<>();
    List<int[]> cands = new ArrayList<>();
    List<float[]> scores = new ArrayList<>();
    List<int[]> batchPrefix = new ArrayList<>();
    for (int i = 0; i < limit; i++) {
      Interaction it = replay.get(i);
      int item = catalog.indexOf(it.itemId());
      if (item < 0) {
        continue;
      }
      IntSeq seq =
          histories.computeIfAbsent(
              it.userId(), u -> new IntSeq(train.getOrDefault(u, new int[0])));
      users.add(userIndex.computeIfAbsent(it.userId(), u -> userIndex.size()));
      targets.add(item);
      batchPrefix.add(seq.snapshot());
      seq.add(item);
      if (batchPrefix.size() == batchSize) {
        scoreBatch(batchPrefix, scorer, historyLength, topN, cands, scores);
      }
    }
    scoreBatch(batchPrefix, scorer, historyLength, topN, cands, scores);
    return new CandidateLog(
        userIndex.size(),
        users.stream().mapToInt(Integer::intValue).toArray(),
        targets.stream().mapToInt(Integer::intValue).toArray(),
        cands.toArray(new int[0][]),
        scores.toArray(new float[0][]));
  }

  private static void scoreBatch(
      List<int[]> prefixes,
      BatchScorer scorer,
      int historyLength,
      int topN,
      List<int[]> cands,
      List<float[]> scores) {
    if (prefixes.isEmpty()) {
      return;
    }
    int[][] histories = new int[prefixes.size()][];
    for (int b = 0; b < histories.length; b++) {
      int[] p = prefixes.get(b);
      histories[b] = Arrays.copyOfRange(p, Math.max(0, p.length - historyLength), p.length);
    }
    float[][] logits = scorer.score(histories);
    for (int b = 0; b < histories.length; b++) {
      BitSet seen = new BitSet(logits[b].length);
      for (int item : prefixes.get(b)) {
        seen.set(item);
      }
      int[] top = topUnseen(logits[b], seen, topN);
      float[] s = new float[top.length];
      for (int c = 0; c < top.length; c++) {
        s[c] = logits[b][top[c]];
      }
      cands.add(top);
      scores.add(s);
    }
    prefixes.clear();
  }

  /**
   * Returns up to n indices of the highest scores not in {@code seen}, best first (ties: index).
   */
  static int[] topUnseen(float[] logits, BitSet seen, int n) {
    int[] best = new int[n];
    int size = 0;
    // Insertion into a sorted buffer: n = 50 and ~1.7k items make this cheaper than a heap.
    for (int i = 0; i < logits.length; i++) {
      if (seen.get(i) || (size == n && !(logits[i] > logits[best[n - 1]]))) {
        continue;
      }
      int pos = size == n ? n - 1 : size++;
      while (pos > 0 && logits[i] > logits[best[pos - 1]]) {
        best[pos] = best[pos - 1];
        pos--;
      }
      best[pos] = i;
    }
    return Arrays.copyOf(best, size);
  }

  /** A growable int sequence: one user's items in time order. */
  private static final class IntSeq {
    private int[] items;
    private int size;

    IntSeq(int[] start) {
      items = Arrays.copyOf(start, Math.max(16, start.length * 2));
      size = start.length;
    }

    void add(int item) {
      if (size == items.length) {
        items = Arrays.copyOf(items, size * 2);
      }
      items[size++] = item;
    }

    int[] snapshot() {
      return Arrays.copyOf(items, size);
    }
  }
}
