package io.carousel.policy.ope;

/**
 * The reward model q̂(a, p) for {@link Estimator#DR}: the mean reward of item a in slot p on the
 * training rows, shrunk towards the slot's mean with {@code smoothing} pseudo-rows (an empirical
 * Bayes Beta–Binomial mean; Dudík et al. 2011, "Doubly Robust Policy Evaluation and Learning", §3,
 * leaves q̂ free, OBP's DR uses any regression). It ignores the user context, which DR tolerates:
 * the estimate stays unbiased when the logging propensities are exact. Immutable and thread-safe.
 */
public final class PositionItemRewardModel {

  private final double[][] table;

  private PositionItemRewardModel(double[][] table) {
    this.table = table;
  }

  /**
   * Fits q̂ on {@code train}: q̂(a, p) = (Σ r + m·r̄_p) / (count + m) with r̄_p the slot's mean
   * reward and m = {@code smoothing} >= 0; throws IllegalArgumentException if smoothing < 0 or
   * train is empty.
   */
  public static PositionItemRewardModel fit(LoggedFeedback train, double smoothing) {
    if (!(smoothing >= 0) || train.size() == 0) {
      throw new IllegalArgumentException("need smoothing >= 0 and a non-empty training log");
    }
    int na = train.nActions();
    int np = train.nPositions();
    double[][] sum = new double[np][na];
    double[][] count = new double[np][na];
    double[] slotSum = new double[np];
    double[] slotCount = new double[np];
    for (int t = 0; t < train.size(); t++) {
      int p = train.positions()[t];
      int a = train.actions()[t];
      double r = train.rewards()[t];
      sum[p][a] += r;
      count[p][a]++;
      slotSum[p] += r;
      slotCount[p]++;
    }
    double overall = train.meanReward();
    double[][] table = new double[np][na];
    for (int p = 0; p < np; p++) {
      double prior = slotCount[p] > 0 ? slotSum[p] / slotCount[p] : overall;
      for (int a = 0; a < na; a++) {
        double denom = count[p][a] + smoothing;
        table[p][a] = denom > 0 ? (sum[p][a] + smoothing * prior) / denom : prior;
      }
    }
    return new PositionItemRewardModel(table);
  }

  /**
   * Returns q̂(action, position); throws ArrayIndexOutOfBoundsException outside the fitted ranges.
   */
  public double predict(int action, int position) {
    return table[position][action];
  }

  /**
   * Returns q̂ for every action at each row's slot, {@code double[log.size()][nActions]}; rows of
   * the same slot share one array (do not mutate).
   */
  public double[][] predictionsFor(LoggedFeedback log) {
    double[][] q = new double[log.size()][];
    for (int t = 0; t < log.size(); t++) {
      q[t] = table[log.positions()[t]];
    }
    return q;
  }
}
