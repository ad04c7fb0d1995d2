package io.carousel.user;

import java.util.List;

/**
 * What the node learns from its users' live, durable facts: one object per node, shared by every
 * {@link UserProfile} on it, called from the profiles' {@code thenRun} callbacks (after the journal
 * confirmed, never during recovery, so nothing is counted twice). It feeds the node-wide trend
 * popularities ({@link NodeTrends}), the pooled prior of each policy arm ({@link NodePool} through
 * {@link BanditModel#pool}), the exploration statistics of new items ({@link NewItemExploration})
 * and the per-policy metrics ({@link CarouselMetrics}). Thread-safe as its parts are: many user
 * actors call it at once.
 */
final class NodeLearning {
  private final ModelView model;
  private final BanditModel bandit;
  private final NodeTrends trends;
  private final NewItemExploration exploration;
  private final CarouselMetrics metrics;

  NodeLearning(
      ModelView model,
      BanditModel bandit,
      NodeTrends trends,
      NewItemExploration exploration,
      CarouselMetrics metrics) {
    this.model = model;
    this.bandit = bandit;
    this.trends = trends;
    this.exploration = exploration;
    this.metrics = metrics;
  }

  /**
   * Learns from a user's newly persisted interactions and rewards: each interaction counts in the
   * trends (and, on an item the model was not trained on, in its exploration), each reward as a
   * click on a served slate of {@code policyId}. The pool learns a slot only when its slate closes
   * ({@link #slateLogged}), as the user's own state does.
   *
   * @param startNanos when the persist began ({@link System#nanoTime}), for the latency metric
   */
  void recorded(String userId, String policyId, List<UserProfile.Event> events, long startNanos) {
    metrics.persisted(startNanos);
    for (UserProfile.Event e : events) {
      if (e instanceof UserProfile.InteractionRecorded i) {
        metrics.eventIngested(i.type());
        int item = model.catalog().indexOf(i.itemId());
        trends.observe(userId, item);
        if (item < 0) {
          exploration.interaction(i.itemId());
        }
      } else if (e instanceof UserProfile.RewardObserved) {
        metrics.clickOnServedSlate(policyId);
      }
    }
  }

  /**
   * Learns from a persisted slate: the slate it closed ({@code closing}, each slot once with its
   * strongest reward or 0) goes into {@code policyId}'s pool, then the slate counts as served.
   */
  void slateLogged(
      String policyId,
      UserProfile.SlateServed served,
      PendingSlate.Closing closing,
      long startNanos) {
    metrics.persisted(startNanos);
    bandit.pool(policyId, closing.features(), closing.rewards());
    if (served.modelVersion() != null) {
      // Only logged slates can be clicked (an unlogged one has no slate id): the comparison's base.
      metrics.modelSlate(served.modelVersion());
    }
    slateServed(policyId, served);
  }

  /**
   * Counts a served slate, logged or not: the per-policy slate metrics and the impressions of new
   * (text-only) items, for their exploration.
   */
  void slateServed(String policyId, UserProfile.SlateServed served) {
    metrics.slateServed(policyId, served.trigger(), served.itemIds().size());
    int trained = model.catalog().size();
    for (String id : served.itemIds()) {
      if (model.indexOf(id) >= trained) {
        exploration.impression(id);
      }
    }
  }
}
