package io.carousel.user;

import java.util.List;
import java.util.Map;

/**
 * Reply to {@link UserProfile.GetSummary}: what {@code GET /v1/users/{id}} shows.
 *
 * @param eventsByType event counts by wire name ({@code view}, {@code click}, …)
 * @param lastEventTimeMs the latest event time, epoch ms (0 = none)
 * @param posteriorUpdates bandit updates so far (rewards and zero-reward impressions)
 * @param subscribers live WebSocket subscribers on the user actor
 */
public record ProfileSummary(
    String userId,
    Map<String, Long> eventsByType,
    long eventCount,
    long lastEventTimeMs,
    long slatesServed,
    long rewardsObserved,
    double rewardSum,
    List<String> recentItems,
    long posteriorUpdates,
    int subscribers)
    implements CborSerializable {}
