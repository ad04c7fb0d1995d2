package io.carousel.user;

import io.carousel.user.UserProfile.Event;
import io.carousel.user.UserProfile.Interaction;
import io.carousel.user.UserProfile.InteractionRecorded;
import io.carousel.user.UserProfile.Recorded;
import io.carousel.user.UserProfile.RewardObserved;
import java.util.ArrayList;
import java.util.List;

/**
 * What one {@code RecordInteraction(s)} command persists and answers, decided in line order against
 * the state as each earlier interaction of the same command leaves it: a repeated event id (already
 * in the {@link EventIdLog}, or earlier in the same command) is a duplicate and persists nothing;
 * each new one persists {@link InteractionRecorded} stamped with the command's arrival time, and
 * {@link RewardObserved} when it earns its slot a reward. The events are persisted together, so a
 * batch is durable all or nothing.
 *
 * @param events the events to persist, in order (empty when everything was a duplicate)
 * @param results one per interaction, in order; {@code eventCount} as after that interaction
 */
record InteractionBatch(List<Event> events, List<Recorded> results) {

  /**
   * Returns the batch for {@code interactions} arriving at {@code arrivalMs} (epoch ms) on {@code
   * state}; pure (the event handler {@link UserProfile#applyEvent} folds the state forward).
   */
  static InteractionBatch plan(
      UserState state, List<Interaction> interactions, long arrivalMs, ProfileDependencies deps) {
    List<Event> events = new ArrayList<>(interactions.size());
    List<Recorded> results = new ArrayList<>(interactions.size());
    UserState s = state;
    for (Interaction i : interactions) {
      if (s.hasEvent(i.eventId())) {
        results.add(new Recorded(i.eventId(), true, s.eventCount()));
        continue;
      }
      InteractionRecorded recorded =
          new InteractionRecorded(
              i.eventId(), i.itemId(), i.type(), i.eventTimeMs(), i.slateId(), arrivalMs);
      RewardObserved reward =
          s.rewardFor(
              new UserProfile.RecordInteraction(
                  i.eventId(), i.itemId(), i.type(), i.eventTimeMs(), i.slateId(), null),
              deps.settings().rewards());
      events.add(recorded);
      s = UserProfile.applyEvent(s, recorded, deps);
      if (reward != null) {
        events.add(reward);
        s = UserProfile.applyEvent(s, reward, deps);
      }
      results.add(new Recorded(i.eventId(), false, s.eventCount()));
    }
    return new InteractionBatch(List.copyOf(events), List.copyOf(results));
  }
}
