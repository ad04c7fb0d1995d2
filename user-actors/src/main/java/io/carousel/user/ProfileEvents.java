package io.carousel.user;

/**
 * The event handler of {@link UserProfile}: how each persisted event changes a {@link UserState},
 * the same during recovery and live. Pure apart from reading the node's shared, read-only model
 * view; it never touches the node-wide {@link NodeTrends} or {@link NodePool}, which only live
 * commands feed, so a recovery never counts an interaction or impression twice.
 */
final class ProfileEvents {
  private ProfileEvents() {}

  /**
   * Returns the state after {@code e}; throws IllegalStateException for an unknown event type.
   *
   * @param deps the node's model view (item vectors), settings and bandit form
   */
  static UserState apply(UserState state, UserProfile.Event e, ProfileDependencies deps) {
    if (e instanceof UserProfile.InteractionRecorded i) {
      return applyInteraction(state, i, deps);
    } else if (e instanceof UserProfile.RewardObserved r) {
      return state.onReward(r, deps.bandit());
    } else if (e instanceof UserProfile.SlateServed served) {
      return state.onSlateServed(
          served,
          deps.model().canonicalIds(served.itemIds()),
          deps.model()::projectionOf,
          deps.bandit());
    } else if (e instanceof UserProfile.UserForgotten) {
      return deps.emptyState();
    }
    throw new IllegalStateException("unhandled event " + e.getClass().getName());
  }

  private static UserState applyInteraction(
      UserState state, UserProfile.InteractionRecorded e, ProfileDependencies deps) {
    int idx = deps.model().catalog().indexOf(e.itemId());
    if (idx < 0) {
      return state.onInteraction(e, e.itemId(), null, deps.settings());
    }
    String canonical = deps.model().catalog().get(idx).itemId();
    return state.onInteraction(e, canonical, deps.model().itemVectors()[idx], deps.settings());
  }
}
