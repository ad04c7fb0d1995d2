package io.carousel.offline.eval;

import io.carousel.engine.retrieval.TopN;
import io.carousel.policy.RankingMetrics;

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
    Accumulator acc = new Accumulator(split, stage);
    for (int from = 0; from < users.length; from += BATCH) {
      int count = Math.min(BATCH, users.length - from);
      int[] batchUsers = new int[count];
      int[][] histories = new int[count][];
      for (int b = 0; b < count; b++) {
        batchUsers[b] = users[from + b];
        histories[b] = split.history(batchUsers[b], stage);
      }
      acc.addAll(from, model.score(batchUsers, histories));
    }
    return acc.metrics();
  }

  /**
   * The metrics of one model, fed one batch of evaluated users' scores at a time, so that a caller
   * can stream several models over the same batch (never a users × items matrix).
   */
  static final class Accumulator {
    private final LeaveOneOut split;
    private final LeaveOneOut.Stage stage;
    private final int[] users;
    private final boolean[] covered;
    private final double[] ndcgByUser;
    // Non-candidates are never ranked: whatever a model scores them, they neither hit nor push a
    // target down (issue 13: a held-out-only item must not be a candidate).
    private final boolean[] candidate;
    private final int numCandidates;
    // Per-thread "seen" flags of the parallel ranking (addAll): true for non-candidates.
    private final ThreadLocal<boolean[]> scratch;
    private double hr;
    private double ndcg;
    private double mrr;
    private double coldHr;
    private double coldNdcg;
    private int coldUsers;

    /** Starts empty metrics over {@code split.evaluatedUsers()} on the {@code stage} targets. */
    Accumulator(LeaveOneOut split, LeaveOneOut.Stage stage) {
      this.split = split;
      this.stage = stage;
      this.users = split.evaluatedUsers();
      this.covered = new boolean[split.numItems()];
      this.ndcgByUser = new double[users.length];
      this.candidate = split.candidates(stage);
      this.numCandidates = split.numCandidates(stage);
      this.scratch =
          ThreadLocal.withInitial(
              () -> {
                boolean[] notRanked = new boolean[candidate.length];
                for (int i = 0; i < notRanked.length; i++) {
                  notRanked[i] = !candidate[i];
                }
                return notRanked;
              });
    }

    /**
     * Adds the users at positions {@code from, from + 1, ...} with their {@code scores}, ranked in
     * parallel (a full ranking is O(numItems) per user; the totals are summed in order, so the
     * metrics do not depend on the parallelism).
     */
    void addAll(int from, float[][] scores) {
      Outcome[] outcomes = new Outcome[scores.length];
      java.util.stream.IntStream.range(0, scores.length)
          .parallel()
          .forEach(b -> outcomes[b] = outcome(from + b, scores[b], scratch.get()));
      for (int b = 0; b < scores.length; b++) {
        record(from + b, outcomes[b]);
      }
    }

    /** One user's target rank and top 10. */
    private record Outcome(int rank, int[] top, boolean coldTarget) {}

    /**
     * Ranks one user's target; {@code seen} is a scratch marking exactly the non-candidates, left
     * so.
     */
    private Outcome outcome(int position, float[] scores, boolean[] seen) {
      int u = users[position];
      int[] before = split.seen(u, stage);
      for (int i : before) {
        seen[i] = true;
      }
      int target = split.target(u, stage);
      int rank = rank(scores, target, seen);
      int[] top = TopN.select(scores, 10, i -> seen[i]).items();
      for (int i : before) {
        seen[i] = !candidate[i];
      }
      return new Outcome(rank, top, split.isCold(target));
    }

    private void record(int position, Outcome o) {
      for (int i : o.top()) {
        covered[i] = true;
      }
      int rank = o.rank();
      double gain = RankingMetrics.ndcgAtRank(rank, 10);
      hr += RankingMetrics.hitAtRank(rank, 10);
      ndcg += gain;
      ndcgByUser[position] = gain;
      mrr += RankingMetrics.reciprocalRankAtRank(rank, 20);
      if (o.coldTarget()) {
        coldUsers++;
        coldHr += RankingMetrics.hitAtRank(rank, 10);
        coldNdcg += gain;
      }
    }

    /** Returns the metrics over every user added (means over all evaluated users). */
    Metrics metrics() {
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
          (double) coveredCount / Math.max(1, numCandidates),
          users.length,
          coldHr / cn,
          coldNdcg / cn,
          coldUsers,
          ndcgByUser);
    }
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
}
