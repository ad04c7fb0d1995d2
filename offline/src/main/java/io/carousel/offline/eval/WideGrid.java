package io.carousel.offline.eval;

import io.carousel.engine.wide.WideAndDeep;
import io.carousel.engine.wide.WideWeights;
import io.carousel.offline.eval.LeaveOneOut.Stage;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Chooses the weights of the wide co-visitation terms ({@link WideAndDeep}) on the validation
 * targets only: the validation-stage model (tower and epochs already chosen) scores the validation
 * targets once per weight pair of the grid, and the pair with the highest validation NDCG@10 wins;
 * ties go to the smaller weights (smaller {@code wKnn + wNext}, then smaller {@code wKnn}). The
 * tower logits of each validation user are computed once and scored under every grid point before
 * the next batch (memory {@code float[BATCH][numItems]} plus one accumulator per point, whatever
 * the number of users).
 */
public final class WideGrid {
  /**
   * The outcome.
   *
   * @param weights the chosen pair
   * @param validation validation metrics of the chosen pair
   */
  public record Choice(WideWeights weights, Metrics validation) {}

  private WideGrid() {}

  /**
   * Scores every pair of {@code knnGrid × nextGrid} (logit units) on the validation targets with
   * {@code model}, which must be fitted on {@code split.fitSequences(VALIDATION)}; logs one line
   * per pair.
   *
   * @throws IllegalArgumentException if a grid is empty or a weight is negative
   */
  static Choice choose(
      CarouselRecommender model,
      LeaveOneOut split,
      List<Float> knnGrid,
      List<Float> nextGrid,
      PrintStream log) {
    return choose(model, split, Stage.VALIDATION, knnGrid, nextGrid, "validation", true, log);
  }

  /**
   * As {@link #choose(CarouselRecommender, LeaveOneOut, List, List, PrintStream)}, on the targets
   * of {@code stage} ({@code model} fitted on {@code split.fitSequences(stage)}); the live pipeline
   * uses {@link Stage#TEST} of a split of its training data (each user's last event held out).
   *
   * @param chosenBy recorded in the chosen {@link WideWeights#chosenBy()}
   * @param eachPoint whether to log every grid point's metrics (evaluate) or only the choice (the
   *     live pipeline, whose output a shop reads)
   */
  public static Choice choose(
      CarouselRecommender model,
      LeaveOneOut split,
      Stage stage,
      List<Float> knnGrid,
      List<Float> nextGrid,
      String chosenBy,
      boolean eachPoint,
      PrintStream log) {
    if (knnGrid.isEmpty() || nextGrid.isEmpty()) {
      throw new IllegalArgumentException("the wide weight grids must not be empty");
    }
    List<WideWeights> points = new ArrayList<>();
    for (float k : distinct(knnGrid)) {
      for (float n : distinct(nextGrid)) {
        points.add(WideWeights.of(k, n, chosenBy));
      }
    }
    points.sort(
        Comparator.<WideWeights>comparingDouble(w -> w.knn() + w.next())
            .thenComparingDouble(WideWeights::knn));
    WideAndDeep ranking = model.ranking();
    if (eachPoint) {
      log.printf(
          Locale.ROOT,
          "%s wide weights on %s (tower logit scale %.2f):%n",
          model.name(),
          chosenBy,
          ranking.logitScale());
    }
    List<WideAndDeep> rankings = new ArrayList<>(points.size());
    List<Evaluator.Accumulator> metrics = new ArrayList<>(points.size());
    for (WideWeights w : points) {
      rankings.add(ranking.withWeights(w));
      metrics.add(new Evaluator.Accumulator(split, stage));
    }
    // Streamed per batch: the tower logits of a batch are computed once and scored under every
    // weight pair, so memory is BATCH × numItems whatever the number of users (a cached
    // float[users][numItems] was 22 GB on a 66k-user, 85k-item log).
    int[] users = split.evaluatedUsers();
    for (int from = 0; from < users.length; from += Evaluator.BATCH) {
      int count = Math.min(Evaluator.BATCH, users.length - from);
      int[][] histories = new int[count][];
      for (int b = 0; b < count; b++) {
        histories[b] = split.history(users[from + b], stage);
      }
      float[][] sessions = model.sessionVectors(histories);
      float[][] tower = new float[count][];
      for (int b = 0; b < count; b++) {
        tower[b] = ranking.towerLogits(sessions[b]);
      }
      float[][] scores = new float[count][split.numItems()];
      for (int p = 0; p < points.size(); p++) {
        for (int b = 0; b < count; b++) {
          System.arraycopy(tower[b], 0, scores[b], 0, tower[b].length);
          rankings.get(p).addWide(histories[b], scores[b]);
        }
        metrics.get(p).addAll(from, scores);
      }
    }
    Choice best = null;
    for (int p = 0; p < points.size(); p++) {
      WideWeights w = points.get(p);
      Metrics m = metrics.get(p).metrics();
      if (eachPoint) {
        log.printf(
            Locale.ROOT,
            "  wKnn %4.1f wNext %4.1f: NDCG@10 %.4f MRR@20 %.4f%n",
            w.knn(),
            w.next(),
            m.ndcgAt10(),
            m.mrrAt20());
      }
      if (best == null || m.ndcgAt10() > best.validation().ndcgAt10()) {
        best = new Choice(w, m);
      }
    }
    log.printf(
        Locale.ROOT,
        "%s chosen on %s: %s (NDCG@10 %.4f)%n",
        model.name(),
        chosenBy,
        best.weights().describe(),
        best.validation().ndcgAt10());
    return best;
  }

  /**
   * Returns the distinct weights of {@code grid} in their first order ({@code -0} is {@code 0}).
   */
  static List<Float> distinct(List<Float> grid) {
    Set<Float> seen = new LinkedHashSet<>();
    for (float w : grid) {
      seen.add(w + 0f);
    }
    return new ArrayList<>(seen);
  }
}
