package io.carousel.user;

import io.carousel.policy.PooledPrior;

/**
 * A node-local pooled prior (one per policy of an A/B split, see {@link BanditModel}): one {@link
 * PooledPrior} whose pooled regression every impression that policy served on this node updates
 * (reward r(type) for a rewarded slot, 0 for each slot still unrewarded when the user's next slate
 * is served), published as an immutable snapshot that each {@link UserProfile} reads when it serves
 * a slate (Hong et al. 2022, "Hierarchical Bayesian Bandits", §4.1; see {@link PooledPrior}).
 *
 * <p>Thread-safe: updates of one slate are applied under one lock, O(k²) per impression
 * (Sherman–Morrison), and replace a volatile reference; readers never lock and always see a
 * complete snapshot. Scope and durability: in a cluster each node pools over the users it hosts
 * (sharding spreads users evenly, so every node learns the same shared weights from a share of the
 * traffic). The pool is saved with the node state ({@link NodeState}, every save-interval and at
 * stop) and restored when the node starts; a new node starts from its prior (trust the model
 * score). Recovery never replays into the pool, so no impression is counted twice.
 */
public final class NodePool {
  private volatile PooledPrior current;
  private volatile long impressions;
  private volatile boolean frozen;

  /** Starts the pool at {@code prior}. */
  public NodePool(PooledPrior prior) {
    this.current = prior;
  }

  /** Returns the current immutable snapshot. */
  public PooledPrior snapshot() {
    return current;
  }

  /**
   * Stops learning: the pool stays at its current snapshot (the DP mode, where the pooled prior is
   * not learnt from shoppers at all; docs/security.md, "Differential privacy (item 6)").
   */
  public void freeze() {
    frozen = true;
  }

  /** Returns whether {@link #freeze} was called. */
  public boolean frozen() {
    return frozen;
  }

  /**
   * Replaces the pool with a restored one ({@link NodeState}): {@code prior} with {@code
   * impressions} pooled so far.
   */
  public void restore(PooledPrior prior, long impressions) {
    synchronized (this) {
      current = prior;
      this.impressions = impressions;
    }
  }

  /** Returns how many impressions this node pooled (restored ones included). */
  public long impressions() {
    return impressions;
  }

  /**
   * Pools the impressions of one slate: {@code features[i]} ({@code float[k]}) with reward {@code
   * rewards[i]}; throws IllegalArgumentException on a dimension mismatch or a non-finite reward.
   */
  public void observe(float[][] features, double[] rewards) {
    if (features.length == 0 || frozen) {
      return;
    }
    synchronized (this) {
      PooledPrior p = current;
      for (int i = 0; i < features.length; i++) {
        p = p.updated(features[i], rewards[i]);
      }
      current = p;
      impressions += features.length;
    }
  }
}
