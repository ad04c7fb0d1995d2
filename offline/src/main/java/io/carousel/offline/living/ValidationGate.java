package io.carousel.offline.living;

import io.carousel.engine.Catalog;
import io.carousel.engine.model.ModelMeta;
import io.carousel.engine.model.TopN;
import io.carousel.engine.model.TwoTowerScorer;
import io.carousel.engine.text.TextEncoder;
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
 * <p>The slice: the interactions from the cut time of {@link TimeSplit#byTime} at {@code 1 −
 * holdout} on (the candidate is trained on the interactions before it). Each user with a history
 * before the cut is evaluated once: the target is the user's first item in the slice that is not
 * already in that history (the next new item), the history is everything before the cut. The
 * candidates, the same for both models: every item with an event before the cut, and every item of
 * the live catalogue (known by its text). The user's history items are not ranked. A model ranks an
 * item it was not trained on as serving does with a live item, from its text through the model's
 * text tower ({@link TwoTowerScorer#itemVectorsFromText}); a model without a text tower cannot rank
 * it (a miss when it is the target). Scores are the served ones ({@link TwoTowerScorer#topN}:
 * towers plus the wide term).
 */
public final class ValidationGate {
  /** Ranking cut-off of the metrics. */
  public static final int K = 10;

  /** Bootstrap resamples of the interval. */
  static final int RESAMPLES = 1000;

  /** Users scored per batch. */
  private static final int BATCH = 256;

  /**
   * The slice.
   *
   * @param cutMs the first held-out time, epoch ms
   * @param users evaluated user ids
   * @param histories each user's items before the cut, in time order
   * @param targets each user's next new item in the slice
   * @param candidates the items either model may rank
   * @param heldOutEvents interactions in the slice
   */
  public record Slice(
      long cutMs,
      List<String> users,
      List<List<String>> histories,
      List<String> targets,
      Set<String> candidates,
      int heldOutEvents) {}

  /**
   * One model's metrics on the slice.
   *
   * @param hitByUser 1 when the target is in the top {@value #K}
   * @param ndcgByUser {@code 1 / log2(rank + 2)} within the top {@value #K}, else 0
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
    TimeSplit split = TimeSplit.byTime(sorted, 1 - holdout);
    Map<String, List<String>> before = new HashMap<>();
    Set<String> candidates = new HashSet<>(liveItems);
    for (Interaction i : split.train()) {
      before.computeIfAbsent(i.userId(), u -> new ArrayList<>()).add(i.itemId());
      candidates.add(i.itemId());
    }
    Map<String, String> target = new LinkedHashMap<>();
    for (Interaction i : split.replay()) {
      List<String> h = before.get(i.userId());
      if (h == null || target.containsKey(i.userId()) || h.contains(i.itemId())) {
        continue;
      }
      target.put(i.userId(), i.itemId());
    }
    List<String> users = new ArrayList<>(target.keySet());
    List<List<String>> histories = new ArrayList<>(users.size());
    List<String> targets = new ArrayList<>(users.size());
    for (String u : users) {
      histories.add(List.copyOf(before.get(u)));
      targets.add(target.get(u));
    }
    long cut = split.replay().isEmpty() ? Long.MAX_VALUE : split.replay().get(0).timestampMs();
    return new Slice(cut, users, histories, targets, Set.copyOf(candidates), split.replay().size());
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
    ModelMeta meta = ModelMeta.read(modelDir);
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
    // Only trained items enter a history: the session tower and the wide term know no others.
    int trained = scorer.trainedItems();
    try {
      for (int from = 0; from < users; from += BATCH) {
        int count = Math.min(BATCH, users - from);
        int[][] histories = new int[count][];
        int[] k = new int[count];
        IntPredicate[] exclude = new IntPredicate[count];
        for (int b = 0; b < count; b++) {
          List<String> h = slice.histories().get(from + b);
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
          Integer target = index.get(slice.targets().get(from + b));
          if (target == null) {
            continue;
          }
          int[] items = top[b].items();
          for (int r = 0; r < items.length; r++) {
            if (items[r] == target) {
              hit[from + b] = 1;
              ndcg[from + b] = 1 / (Math.log(r + 2) / Math.log(2));
              break;
            }
          }
        }
      }
    } finally {
      scorer.close();
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
            "NDCG@10 candidate − serving = %+.4f [%+.4f, %+.4f] over %d users: %s",
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
