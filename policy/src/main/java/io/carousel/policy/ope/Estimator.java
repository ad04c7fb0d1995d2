package io.carousel.policy.ope;

/**
 * The off-policy estimators, each written as a ratio of sums Σ_t n_t / Σ_t d_t of per-(round,
 * position) terms so that one bootstrap serves all three. With w_t = π_e(a_t | x_t, p_t) / π_0(a_t
 * | x_t, p_t), reward r_t and reward model q̂:
 */
public enum Estimator {
  /**
   * Inverse propensity scoring: n_t = w_t·r_t, d_t = 1 (Horvitz &amp; Thompson 1952; Dudík et al.
   * 2011, "Doubly Robust Policy Evaluation and Learning", §2); unbiased when π_0 > 0 wherever π_e >
   * 0.
   */
  IPS,
  /**
   * Self-normalised IPS: n_t = w_t·r_t, d_t = w_t (Swaminathan &amp; Joachims 2015, "The
   * Self-Normalized Estimator for Counterfactual Learning", §3); consistent, biased O(1/n), lower
   * variance.
   */
  SNIPS,
  /**
   * Doubly robust: n_t = Σ_a π_e(a | x_t, p_t)·q̂(x_t, a, p_t) + w_t·(r_t − q̂(x_t, a_t, p_t)), d_t
   * = 1 (Dudík et al. 2011, §3, eq. 2); unbiased if either the propensities or q̂ are correct.
   */
  DR
}
