package io.carousel.engine.eval;

import io.carousel.engine.model.TopN;

/** Scores every evaluated user with a fitted {@link Recommender} and computes {@link Metrics}. */
public final class Evaluator {
  /** Users scored per {@link Recommender#score} call. */
  static final int BATCH = 256;

  private Evaluator() {}

  /**
   * Evaluates {@code model} (already fitted on {@code split.fitSequences(stage)}) with full ranking
   * over the stage's candidates ({@link LeaveOneOut#isCandidate}), the user's earlier items
   * excluded (a target among them is a miss, as is a target that is not a candidate). Coverage is
   * the share of the candidates in at least one top 10.
   */
  public static Metrics evaluate(Recommender model, LeaveOneOut split, LeaveOneOut.Stage stage) {
    int[] users = split.evaluatedUsers();
    int numItems = split.numItems();
    boolean[] covered = new boolean[numItems];
    double hr = 0;
    double ndcg = 0;
    double mrr = 0;
    double coldHr = 0;
    double coldNdcg = 0;
    int coldUsers = 0;
    // Non-candidates are never ranked: whatever a model scores them, they neither hit nor push a
    // target down.
    boolean[] candidate = split.candidates(stage);
    boolean[] seen = new boolean[numItems];
    for (int i = 0; i < numItems; i++) {
      seen[i] = !candidate[i];
    }
    double[] ndcgByUser = new double[users.length];
    for (int from = 0; from < users.length; from += BATCH) {
      int count = Math.min(BATCH, users.length - from);
      int[] batchUsers = new int[count];
      int[][] histories = new int[count][];
      for (int b = 0; b < count; b++) {
        batchUsers[b] = users[from + b];
        histories[b] = split.history(batchUsers[b], stage);
      }
      float[][] scores = model.score(batchUsers, histories);
      for (int b = 0; b < count; b++) {
        int u = batchUsers[b];
        int[] before = split.seen(u, stage);
        for (int i : before) {
          seen[i] = true;
        }
        int target = split.target(u, stage);
        int rank = rank(scores[b], target, seen);
        for (int i : TopN.select(scores[b], 10, i -> seen[i]).items()) {
          covered[i] = true;
        }
        for (int i : before) {
          seen[i] = !candidate[i];
        }
        double gain = rank < 10 ? 1 / log2(rank + 2) : 0;
        hr += rank < 10 ? 1 : 0;
        ndcg += gain;
        ndcgByUser[from + b] = gain;
        mrr += rank < 20 ? 1.0 / (rank + 1) : 0;
        if (split.isCold(target)) {
          coldUsers++;
          coldHr += rank < 10 ? 1 : 0;
          coldNdcg += gain;
        }
      }
    }
    int n = Math.max(1, users.length);
    int coveredCount = 0;
    for (boolean c : covered) {
      coveredCount += c ? 1 : 0;
    }
    int cn = Math.max(1, coldUsers);
    return new Metrics(
        hr / n,
        ndcg / n,
        mrr / n,
        (double) coveredCount / Math.max(1, split.numCandidates(stage)),
        users.length,
        coldHr / cn,
        coldNdcg / cn,
        coldUsers,
        ndcgByUser);
  }

  /**
   * Returns the 0-based rank of {@code target} among the items not {@code excluded}: the number of
   * such items with a higher score, or an equal score and a lower index; {@link Integer#MAX_VALUE}
   * when the target itself is excluded.
   */
  static int rank(float[] scores, int target, boolean[] excluded) {
    if (excluded[target]) {
      return Integer.MAX_VALUE;
    }
    float t = scores[target];
    int rank = 0;
    for (int j = 0; j < scores.length; j++) {
      if (j != target && !excluded[j] && (scores[j] > t || (scores[j] == t && j < target))) {
        rank++;
      }
    }
    return rank;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
