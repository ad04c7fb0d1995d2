package io.carousel.engine.eval;

import io.carousel.engine.stats.PairedBootstrap;
import java.util.List;
import java.util.Optional;

/**
 * The two-tower model against the best baseline of the same run on the test targets: the NDCG@10
 * difference with a 95 % paired bootstrap interval over the evaluated users ({@link
 * PairedBootstrap#meanDifference95}), so that a small test set's "beats" or "misses" can be read
 * with its uncertainty.
 *
 * @param model the two-tower row's name
 * @param baseline the baseline with the highest test NDCG@10 (random excluded)
 * @param difference carousel NDCG@10 − baseline NDCG@10 on test
 * @param lo lower end of the 95 % interval of {@code difference}
 * @param hi upper end
 * @param users evaluated users the difference is over
 */
public record BaselineComparison(
    String model, String baseline, double difference, double lo, double hi, int users) {

  /**
   * The baselines a two-tower row is compared with ({@code repeat} occurs only with repeats
   * allowed, where it can be the strongest).
   */
  public static final List<String> BASELINES =
      List.of("popularity", "markov", "item-knn", "ease", "bpr-mf", "repeat");

  /** Bootstrap resamples. */
  static final int RESAMPLES = 2000;

  /** Bootstrap seed (fixed, so a report is reproducible). */
  static final long SEED = 42L;

  /**
   * Returns the comparison of row {@code model} with the best baseline of {@code r}, or empty when
   * the run has no such row or no baseline.
   */
  public static Optional<BaselineComparison> of(Evaluation.Report r, String model) {
    Evaluation.ModelResult m = null;
    Evaluation.ModelResult best = null;
    for (Evaluation.ModelResult row : r.models()) {
      if (row.name().equals(model)) {
        m = row;
      } else if (BASELINES.contains(row.name())
          && (best == null || row.test().ndcgAt10() > best.test().ndcgAt10())) {
        best = row;
      }
    }
    if (m == null || best == null) {
      return Optional.empty();
    }
    double[] a = m.test().ndcgByUser();
    double[] b = best.test().ndcgByUser();
    double[] ci = PairedBootstrap.meanDifference95(a, b, RESAMPLES, SEED);
    return Optional.of(
        new BaselineComparison(
            model,
            best.name(),
            m.test().ndcgAt10() - best.test().ndcgAt10(),
            ci[0],
            ci[1],
            a.length));
  }
}
