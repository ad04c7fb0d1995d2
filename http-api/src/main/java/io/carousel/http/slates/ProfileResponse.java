package io.carousel.http.slates;

import io.carousel.user.ProfileSummary;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Wire form of {@code GET /v1/users/{id}}: counts by type, last event time, slates served. */
public record ProfileResponse(
    String userId,
    Map<String, Long> eventsByType,
    long eventCount,
    String lastEventTime,
    long slatesServed,
    long rewardsObserved,
    double rewardSum,
    List<String> recentItems,
    long policyUpdates,
    int subscribers) {

  /** Maps the actor reply to the wire form; {@code lastEventTime} is null before any event. */
  public static ProfileResponse of(ProfileSummary s) {
    return new ProfileResponse(
        s.userId(),
        s.eventsByType(),
        s.eventCount(),
        s.lastEventTimeMs() == 0 ? null : Instant.ofEpochMilli(s.lastEventTimeMs()).toString(),
        s.slatesServed(),
        s.rewardsObserved(),
        s.rewardSum(),
        s.recentItems(),
        s.posteriorUpdates(),
        s.subscribers());
  }

  /** Returns this summary addressed to {@code shopUserId} (the id the request named). */
  public ProfileResponse withUserId(String shopUserId) {
    return new ProfileResponse(
        shopUserId,
        eventsByType,
        eventCount,
        lastEventTime,
        slatesServed,
        rewardsObserved,
        rewardSum,
        recentItems,
        policyUpdates,
        subscribers);
  }
}
