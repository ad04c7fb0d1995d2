package io.carousel.policy.ope;

/**
 * Logged bandit feedback, one entry per (round, position) as in the Open Bandit Dataset: the action
 * (item) the logging policy showed, the slot it showed it in, the observed reward and the logging
 * policy's probability of that item in that slot (Saito et al. 2021, "Open Bandit Dataset and
 * Pipeline", §3). Immutable by convention: callers must not mutate the arrays.
 *
 * @param nActions number of actions (items), at least 1
 * @param nPositions number of slots, at least 1
 * @param actions logged action per row, {@code int[n]} in [0, nActions)
 * @param positions logged slot per row, {@code int[n]} in [0, nPositions)
 * @param rewards observed reward per row, {@code double[n]}, finite
 * @param pscores logging propensity π_0(a_t | x_t, p_t) per row, {@code double[n]} in (0, 1]
 */
public record LoggedFeedback(
    int nActions,
    int nPositions,
    int[] actions,
    int[] positions,
    double[] rewards,
    double[] pscores) {

  /** Validates shapes and ranges; throws IllegalArgumentException naming the first bad row. */
  public LoggedFeedback {
    if (nActions < 1 || nPositions < 1) {
      throw new IllegalArgumentException("nActions and nPositions must be >= 1");
    }
    int n = actions.length;
    if (positions.length != n || rewards.length != n || pscores.length != n) {
      throw new IllegalArgumentException("actions, positions, rewards, pscores differ in length");
    }
    for (int t = 0; t < n; t++) {
      if (actions[t] < 0 || actions[t] >= nActions) {
        throw new IllegalArgumentException("row " + t + ": action " + actions[t] + " out of range");
      }
      if (positions[t] < 0 || positions[t] >= nPositions) {
        throw new IllegalArgumentException(
            "row " + t + ": position " + positions[t] + " out of range");
      }
      if (!Double.isFinite(rewards[t])) {
        throw new IllegalArgumentException("row " + t + ": reward " + rewards[t]);
      }
      if (!(pscores[t] > 0 && pscores[t] <= 1)) {
        throw new IllegalArgumentException("row " + t + ": pscore " + pscores[t] + " not in (0,1]");
      }
    }
  }

  /** Returns the number of rows n. */
  public int size() {
    return actions.length;
  }

  /** Returns the on-policy value of the logging policy, the mean reward over rows (0 if empty). */
  public double meanReward() {
    double s = 0;
    for (double r : rewards) {
      s += r;
    }
    return rewards.length == 0 ? 0 : s / rewards.length;
  }
}
