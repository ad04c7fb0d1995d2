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
 * traffic). The pool is not persisted: after a restart it starts again from its prior (mean: trust
 * the model score), i.e. a node serves the model's own ranking until a few hundred slates have
 * taught it the shared weights again; each user's own statistics are in its journal and survive.
 * Recovery never replays into the pool, so no impression is counted twice.
 */
public final class NodePool {
  private volatile PooledPrior current;
  private volatile long impressions;

  /** Starts the pool at {@code prior}. */
  public NodePool(PooledPrior prior) {
    this.current = prior;
  }

  /** Returns the current immutable snapshot. */
  public PooledPrior snapshot() {
    return current;
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
    if (features.length == 0) {
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
