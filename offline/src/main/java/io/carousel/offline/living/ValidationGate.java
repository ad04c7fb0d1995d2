package io.carousel.offline.living;

import io.carousel.engine.Catalog;
import io.carousel.engine.model.ModelFolder;
import io.carousel.engine.model.ModelMeta;
import io.carousel.engine.retrieval.TopN;
import io.carousel.engine.text.TextEncoder;
import io.carousel.engine.tower.TwoTowerScorer;
import io.carousel.offline.data.Interaction;
import io.carousel.offline.data.TimeSplit;
import io.carousel.offline.stats.PairedBootstrap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * The validation gate of a retrain (ADR 0012): the candidate and the serving model ranked on the
 * same most recent held-out slice, NDCG@10 and HR@10, with a paired bootstrap interval of the
 * difference over users.
 *
 * <p>The slice: the interactions from the cut on (the candidate is trained on the interactions
 * before it): the cut of {@link TimeSplit#byTime} at {@code 1 − holdout} ({@link #slice}), which
 * {@link ContinuousTraining} moves past the serving model's last training event ({@link
 * #sliceFrom}), so that neither model is scored on its own training events. Each interaction of the
 * slice whose item is new to its user, and whose user has a history by then, is a next-item target
 * (at most {@value #MAX_TARGETS_PER_USER} per user); its history is everything of the user before
 * it, the slice's earlier events included (inputs, not training data, for both models alike).
 * Metrics are means over users of each user's mean over their targets, and the interval resamples
 * users (whole users, paired). The candidates, the same for both models: every item with an event
 * before the cut, and every item of the live catalogue (known by its text). The user's history
 * items are not ranked. A model ranks an item it was not trained on as serving does with a live
 * item, from its text through the model's text tower ({@link TwoTowerScorer#itemVectorsFromText});
 * a model without a text tower cannot rank it (a miss when it is the target). Scores are the served
 * ones ({@link TwoTowerScorer#topN}: towers plus the wide term).
 */
public final class ValidationGate {
  /** Ranking cut-off of the metrics. */
  public static final int K = 10;

  /** Bootstrap resamples of the interval. */
  static final int RESAMPLES = 1000;

  /** Targets scored per batch. */
  private static final int BATCH = 256;

  /**
   * Most targets per user: keeps a shop-sized slice's cost bounded and a few heavy users from
   * setting the cost (each user's metrics are averaged over their targets first anyway).
   */
  static final int MAX_TARGETS_PER_USER = 50;

  /**
   * The slice.
   *
   * @param cutMs the first held-out time, epoch ms
   * @param users evaluated user ids
   * @param sequences each user's items in time order: before the cut, then in the slice
   * @param targetUser per target, the index of its user
   * @param targetAt per target, its position in the user's sequence (the history is what precedes)
   * @param candidates the items either model may rank
   * @param heldOutEvents interactions in the slice
   */
  public record Slice(
      long cutMs,
      List<String> users,
      List<List<String>> sequences,
      int[] targetUser,
      int[] targetAt,
      Set<String> candidates,
      int heldOutEvents) {

    /** Returns the number of targets. */
    public int targets() {
      return targetUser.length;
    }
  }

  /**
   * One model's metrics on the slice.
   *
   * @param hitByUser each user's share of targets in the top {@value #K}
   * @param ndcgByUser each user's mean of {@code 1 / log2(rank + 2)} within the top {@value #K} (0
   *     beyond)
   * @param textOnlyItems candidates the model knew only from their text
   */
  public record Scored(String model, double[] hitByUser, double[] ndcgByUser, int textOnlyItems) {
    /** Mean HR@10. */
    public double hr() {
      return mean(hitByUser);
    }

    /** Mean NDCG@10. */
    public double ndcg() {
      return mean(ndcgByUser);
    }
  }

  /**
   * The comparison.
   *
   * @param ndcgDiff candidate − serving NDCG@10
   * @param ndcgInterval 95 % paired bootstrap interval of {@code ndcgDiff}
   * @param hrDiff candidate − serving HR@10
   * @param hrInterval its interval
   * @param promote whether the candidate passes
   * @param reason one sentence why
   */
  public record Verdict(
      Scored candidate,
      Scored serving,
      double ndcgDiff,
      double[] ndcgInterval,
      double hrDiff,
      double[] hrInterval,
      boolean promote,
      String reason) {}

  private ValidationGate() {}

  /**
   * Builds the slice of {@code sorted} (interactions sorted by time).
   *
   * @param liveItems ids of the live catalogue, candidates even without an event
   * @throws IllegalArgumentException when {@code holdout} is not in (0, 1)
   */
  public static Slice slice(List<Interaction> sorted, double holdout, Set<String> liveItems) {
    if (!(holdout > 0 && holdout < 1)) {
      throw new IllegalArgumentException("--holdout must be in (0, 1), got " + holdout);
    }
    return sliceFrom(sorted, holdoutStart(sorted, holdout), liveItems);
  }

  /**
   * Returns the position in {@code sorted} where the newest {@code holdout} share begins: the first
   * interaction of the time {@link TimeSplit#byTime} cuts at (ties stay together), {@code size}
   * when nothing is held out.
   */
  public static int holdoutStart(List<Interaction> sorted, double holdout) {
    if (!(holdout > 0 && holdout < 1)) {
      throw new IllegalArgumentException("--holdout must be in (0, 1), got " + holdout);
    }
    return TimeSplit.byTime(sorted, 1 - holdout).train().size();
  }

  /**
   * Returns the position of the first interaction of {@code sorted} strictly after {@code timeMs}
   * ({@code size} when there is none).
   */
  public static int firstAfter(List<Interaction> sorted, long timeMs) {
    int lo = 0;
    int hi = sorted.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted.get(mid).timestampMs() <= timeMs) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Builds the slice held out from position {@code firstHeldOut} of {@code sorted} on (which must
   * start a new timestamp, as {@link #holdoutStart} and {@link #firstAfter} do, so that no time
   * straddles the cut).
   *
   * @throws IllegalArgumentException when the position splits one timestamp
   */
  public static Slice sliceFrom(List<Interaction> sorted, int firstHeldOut, Set<String> liveItems) {
    if (firstHeldOut < 0 || firstHeldOut > sorted.size()) {
      throw new IllegalArgumentException(
          "held-out start " + firstHeldOut + " outside [0, " + sorted.size() + "]");
    }
    if (firstHeldOut > 0
        && firstHeldOut < sorted.size()
        && sorted.get(firstHeldOut - 1).timestampMs() >= sorted.get(firstHeldOut).timestampMs()) {
      throw new IllegalArgumentException(
          "held-out start " + firstHeldOut + " splits the events at one time");
    }
    TimeSplit split =
        new TimeSplit(sorted.subList(0, firstHeldOut), sorted.subList(firstHeldOut, sorted.size()));
    Map<String, List<String>> sequence = new LinkedHashMap<>();
    Set<String> candidates = new HashSet<>(liveItems);
    for (Interaction i : split.train()) {
      sequence.computeIfAbsent(i.userId(), u -> new ArrayList<>()).add(i.itemId());
      candidates.add(i.itemId());
    }
    Map<String, Set<String>> seen = new HashMap<>();
    sequence.forEach((u, items) -> seen.put(u, new HashSet<>(items)));
    Map<String, List<Integer>> at = new LinkedHashMap<>();
    for (Interaction i : split.replay()) {
      List<String> seq = sequence.computeIfAbsent(i.userId(), u -> new ArrayList<>());
      Set<String> s = seen.computeIfAbsent(i.userId(), u -> new HashSet<>());
      List<Integer> positions = at.computeIfAbsent(i.userId(), u -> new ArrayList<>());
      // A target: an item new to a user who has a history, within the per-user cap.
      if (!seq.isEmpty() && !s.contains(i.itemId()) && positions.size() < MAX_TARGETS_PER_USER) {
        positions.add(seq.size());
      }
      seq.add(i.itemId());
      s.add(i.itemId());
    }
    List<String> users = new ArrayList<>();
    List<List<String>> sequences = new ArrayList<>();
    List<int[]> targets = new ArrayList<>();
    for (Map.Entry<String, List<Integer>> e : at.entrySet()) {
      if (e.getValue().isEmpty()) {
        continue;
      }
      for (int position : e.getValue()) {
        targets.add(new int[] {users.size(), position});
      }
      users.add(e.getKey());
      sequences.add(List.copyOf(sequence.get(e.getKey())));
    }
    int[] targetUser = new int[targets.size()];
    int[] targetAt = new int[targets.size()];
    for (int t = 0; t < targets.size(); t++) {
      targetUser[t] = targets.get(t)[0];
      targetAt[t] = targets.get(t)[1];
    }
    long cut = split.replay().isEmpty() ? Long.MAX_VALUE : split.replay().get(0).timestampMs();
    return new Slice(
        cut, users, sequences, targetUser, targetAt, Set.copyOf(candidates), split.replay().size());
  }

  /**
   * Ranks the slice with the model in {@code modelDir}.
   *
   * @param texts item id → text, for candidates the model was not trained on
   * @param encoder the text encoder the models were trained with (MiniLM), or null to leave such
   *     items unranked
   */
  public static Scored score(
      String name, Path modelDir, Slice slice, Map<String, String> texts, TextEncoder encoder) {
    ModelMeta meta = ModelFolder.at(modelDir).meta();
    Catalog catalog = meta.catalog();
    TwoTowerScorer loaded = TwoTowerScorer.load(modelDir);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < catalog.size(); i++) {
      index.put(catalog.get(i).itemId(), i);
    }
    List<String> unknown =
        slice.candidates().stream().filter(id -> !index.containsKey(id)).sorted().toList();
    TwoTowerScorer scorer = loaded;
    int textOnly = 0;
    if (!unknown.isEmpty() && encoder != null && loaded.hasTextTower()) {
      List<String> t = new ArrayList<>(unknown.size());
      for (String id : unknown) {
        t.add(texts.getOrDefault(id, ""));
      }
      scorer = loaded.withExtraItems(loaded.itemVectorsFromText(encoder.encode(t)));
      for (String id : unknown) {
        index.put(id, catalog.size() + textOnly++);
      }
    }
    int n = scorer.numItems();
    boolean[] notCandidate = new boolean[n];
    java.util.Arrays.fill(notCandidate, true);
    for (String id : slice.candidates()) {
      Integer i = index.get(id);
      if (i != null) {
        notCandidate[i] = false;
      }
    }
    int users = slice.users().size();
    double[] hit = new double[users];
    double[] ndcg = new double[users];
    int[] targetsOf = new int[users];
    // Only trained items enter a history: the session tower and the wide term know no others.
    int trained = scorer.trainedItems();
    int targets = slice.targets();
    try {
      for (int from = 0; from < targets; from += BATCH) {
        int count = Math.min(BATCH, targets - from);
        int[][] histories = new int[count][];
        int[] k = new int[count];
        IntPredicate[] exclude = new IntPredicate[count];
        for (int b = 0; b < count; b++) {
          int t = from + b;
          List<String> h =
              slice.sequences().get(slice.targetUser()[t]).subList(0, slice.targetAt()[t]);
          Set<Integer> seen = new HashSet<>();
          List<Integer> idx = new ArrayList<>(h.size());
          for (String id : h) {
            Integer i = index.get(id);
            if (i != null) {
              seen.add(i);
              if (i < trained) {
                idx.add(i);
              }
            }
          }
          histories[b] = idx.stream().mapToInt(Integer::intValue).toArray();
          k[b] = K;
          exclude[b] = i -> notCandidate[i] || seen.contains(i);
        }
        TopN[] top = scorer.topN(histories, k, exclude);
        for (int b = 0; b < count; b++) {
          int t = from + b;
          int u = slice.targetUser()[t];
          targetsOf[u]++;
          Integer target = index.get(slice.sequences().get(u).get(slice.targetAt()[t]));
          if (target == null) {
            continue;
          }
          int[] items = top[b].items();
          for (int r = 0; r < items.length; r++) {
            if (items[r] == target) {
              hit[u] += 1;
              ndcg[u] += 1 / (Math.log(r + 2) / Math.log(2));
              break;
            }
          }
        }
      }
    } finally {
      scorer.close();
    }
    for (int u = 0; u < users; u++) {
      hit[u] /= Math.max(1, targetsOf[u]);
      ndcg[u] /= Math.max(1, targetsOf[u]);
    }
    return new Scored(name, hit, ndcg, textOnly);
  }

  /**
   * Compares the two: promote when {@code candidate − serving} NDCG@10 is at least {@code
   * −tolerance} and the upper end of its 95 % interval is at least 0 (not worse beyond the
   * tolerance, and not significantly worse).
   */
  public static Verdict decide(Scored candidate, Scored serving, double tolerance, long seed) {
    double dn = candidate.ndcg() - serving.ndcg();
    double dh = candidate.hr() - serving.hr();
    double[] in =
        PairedBootstrap.meanDifference95(
            candidate.ndcgByUser(), serving.ndcgByUser(), RESAMPLES, seed);
    double[] ih =
        PairedBootstrap.meanDifference95(
            candidate.hitByUser(), serving.hitByUser(), RESAMPLES, seed);
    boolean withinTolerance = dn >= -tolerance;
    boolean notSignificantlyWorse = in[1] >= 0;
    boolean promote = withinTolerance && notSignificantlyWorse;
    String reason =
        String.format(
            Locale.ROOT,
            "NDCG@10 candidate − serving = %+.4f, 95%% interval [%+.4f, %+.4f] over %d users: %s",
            dn,
            in[0],
            in[1],
            candidate.ndcgByUser().length,
            promote
                ? "not worse than the tolerance " + tolerance
                : !withinTolerance
                    ? "worse than the tolerance " + tolerance
                    : "significantly worse (the interval lies below 0)");
    return new Verdict(candidate, serving, dn, in, dh, ih, promote, reason);
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return v.length == 0 ? 0 : s / v.length;
  }
}
