package io.carousel.http.slates;

import io.carousel.user.UserProfile;
import java.time.Instant;
import java.util.List;

/**
 * Wire form of a slate, for {@code GET /v1/users/{id}/recommendations} and the WebSocket stream.
 *
 * @param trigger why it was made: {@code request}, {@code subscribe} or {@code event}, or {@code
 *     cached} when it repeats the last slate because the journal is down ({@link SlateCache})
 */
public record SlateResponse(
    String userId,
    String slateId,
    List<Item> items,
    String policy,
    String modelVersion,
    String servedAt,
    String trigger) {

  /** One slot: the bandit's reward estimate ({@code score}), its propensity and a reason. */
  public record Item(String itemId, double score, double propensity, String reason) {}

  /** Maps the actor reply to the wire form. */
  public static SlateResponse of(UserProfile.SlateReply r) {
    List<Item> items =
        r.items().stream()
            .map(i -> new Item(i.itemId(), i.score(), i.propensity(), i.reason()))
            .toList();
    return new SlateResponse(
        r.userId(),
        r.slateId(),
        items,
        r.policy(),
        r.modelVersion(),
        Instant.ofEpochMilli(r.servedAtMs()).toString(),
        r.trigger());
  }

  /** Returns this slate addressed to {@code shopUserId} (the id the request named). */
  public SlateResponse withUserId(String shopUserId) {
    return new SlateResponse(shopUserId, slateId, items, policy, modelVersion, servedAt, trigger);
  }
}
