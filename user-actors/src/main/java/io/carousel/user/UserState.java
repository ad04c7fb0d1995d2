package io.carousel.user;

import io.carousel.policy.EventType;
import io.carousel.policy.LinearPosterior;
import io.carousel.policy.PackedPosterior;
import io.carousel.policy.SessionEmbedding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The durable state of one shopper, rebuilt from {@link UserProfile.Event}s and snapshotted with
 * Jackson CBOR. Copy-on-write: every {@code on...} method returns a new state and never mutates
 * this one (a snapshot may still be serializing it).
 *
 * @param session {@code float[d]} time-decayed, L2-normalised session embedding; empty before the
 *     first event on a catalogue item
 * @param sessionTimeMs event time the session embedding is valid at, epoch ms (0 = none)
 * @param recentItems last N item ids, most recent last (the session tower's input; also "seen")
 * @param recentEventFingerprints fingerprints of the event ids that arrived within the idempotency
 *     retention, by arrival bucket, for exactly-once ingestion ({@link EventIdLog})
 * @param purchases recent purchases, most recent last (bounded), for the "not again" rule
 * @param policyState the user's linear-bandit state over k context features, packed (upper triangle
 *     of A^-1 in single precision: about 0.8 KB in CBOR at k = 16, 1.0 KB at k = 18; while it has
 *     few observations, the shared start state plus those observations raw); its form is told by
 *     {@code userStrength}
 * @param userStrength λ_u when {@code policyState} holds the user's own data only for the pooled
 *     prior ({@code A_u = λ_u·I + Σ x xᵀ}, {@code B_u = Σ r·x}); 0 when it is a full posterior from
 *     the fixed prior, as in every snapshot written before this field existed ({@link BanditModel}
 *     converts either form to the node's)
 * @param pending the last slate served, whose items await a reward; null before the first slate
 * @param eventsByType {@code long[EventType.values().length]} counts by {@link EventType#ordinal()}
 * @param lastEventTimeMs the latest event time seen, epoch ms (0 = none)
 * @param slatesServed slates served so far
 * @param rewardsObserved rewards (non-zero) observed on served items
 * @param rewardSum sum of all rewards observed
 */
public record UserState(
    float[] session,
    long sessionTimeMs,
    List<String> recentItems,
    EventIdLog recentEventFingerprints,
    List<Purchase> purchases,
    PackedPosterior policyState,
    double userStrength,
    PendingSlate pending,
    long[] eventsByType,
    long lastEventTimeMs,
    long slatesServed,
    long rewardsObserved,
    double rewardSum)
    implements CborSerializable {

  /** Most purchases remembered per user. */
  static final int MAX_PURCHASES = 100;

  /** A purchase: the item and its event time, epoch ms. */
  public record Purchase(String itemId, long timeMs) {}

  /** Returns the state of a user never seen before, in {@code bandit}'s form. */
  public static UserState empty(BanditModel bandit) {
    return new UserState(
        new float[0],
        0L,
        List.of(),
        EventIdLog.EMPTY,
        List.of(),
        bandit.start(),
        bandit.userStrength(),
        null,
        new long[EventType.values().length],
        0L,
        0L,
        0L,
        0.0);
  }

  /** Returns a copy with the policy state and its form tag replaced. */
  UserState withPolicyState(PackedPosterior state, double strength) {
    return new UserState(
        session,
        sessionTimeMs,
        recentItems,
        recentEventFingerprints,
        purchases,
        state,
        strength,
        pending,
        eventsByType,
        lastEventTimeMs,
        slatesServed,
        rewardsObserved,
        rewardSum);
  }

  /**
   * Returns what the pending slate contributes to learning when its attribution window closes (when
   * the next slate is served): each slot once, with its strongest reward or 0; empty before the
   * first slate.
   */
  PendingSlate.Closing closingObservations() {
    return pending == null
        ? new PendingSlate.Closing(new float[0][], new double[0])
        : pending.closing();
  }

  /**
   * Returns this state with the pending slate's attribution closed: every slot learned once with
   * its strongest reward (0 when it got none), no slate pending; in {@code bandit}'s form. The next
   * slate is chosen from this state, and its {@link UserProfile.SlateServed} applies the same.
   */
  UserState withPendingClosed(BanditModel bandit) {
    UserState adapted = bandit.adapt(this);
    if (adapted != this) {
      return adapted.withPendingClosed(bandit);
    }
    if (pending == null) {
      return this;
    }
    PackedPosterior post = policyState;
    PendingSlate.Closing closing = pending.closing();
    for (int i = 0; i < closing.rewards().length; i++) {
      post = observeFinite(post, bandit.fit(closing.features()[i]), closing.rewards()[i]);
    }
    return new UserState(
        session,
        sessionTimeMs,
        recentItems,
        recentEventFingerprints,
        purchases,
        post,
        userStrength,
        null,
        eventsByType,
        lastEventTimeMs,
        slatesServed,
        rewardsObserved,
        rewardSum);
  }

  /**
   * Returns the stored bandit state, unpacked ({@code k x k} A^-1; allocates): the full posterior
   * or, when {@link #userStrength()} > 0, the user's data-only statistics.
   */
  public LinearPosterior posterior() {
    return policyState.unpack();
  }

  /**
   * Returns the reward an interaction earns, or null when it earns none. The attribution window of
   * a slate runs from its serving until the next slate is served: an interaction on one of its
   * items (naming that slate, or no slate) in the window earns its type's reward if that is
   * stronger than the slot's reward so far; each slot is learned once, with its strongest reward,
   * when the window closes ({@link #withPendingClosed}).
   */
  UserProfile.RewardObserved rewardFor(
      UserProfile.RecordInteraction c, io.carousel.policy.RewardWeights rewards) {
    if (pending == null || (c.slateId() != null && !c.slateId().equals(pending.slateId()))) {
      return null;
    }
    int slot = pending.rewardableSlotOf(c.itemId());
    double reward = rewards.of(c.type());
    return slot >= 0 && reward > pending.bestReward(slot)
        ? new UserProfile.RewardObserved(
            pending.slateId(), c.itemId(), reward, pending.featuresOf(slot))
        : null;
  }

  /** Returns whether {@code eventId} was already recorded within the idempotency retention. */
  public boolean hasEvent(String eventId) {
    return recentEventFingerprints.contains(eventId);
  }

  /** Returns the profile summary of {@code userId} with {@code subscribers} live subscribers. */
  ProfileSummary summary(String userId, int subscribers) {
    java.util.Map<String, Long> byType = new java.util.LinkedHashMap<>();
    for (EventType t : EventType.values()) {
      byType.put(t.wireName(), eventsByType[t.ordinal()]);
    }
    return new ProfileSummary(
        userId,
        byType,
        eventCount(),
        lastEventTimeMs,
        slatesServed,
        rewardsObserved,
        rewardSum,
        recentItems,
        policyState.updates(),
        subscribers);
  }

  /** Returns the total number of events recorded. */
  public long eventCount() {
    long n = 0;
    for (long c : eventsByType) {
      n += c;
    }
    return n;
  }

  /**
   * Returns this state with its session embedding rebuilt in {@code model}'s vector space from the
   * recent item ids (a hot swap: the stored {@code float[d]} belongs to the previous model, ADR
   * 0014). The ids carry no event times, so every recent item weighs the same (the decay within the
   * window is lost; the next event decays from here as usual); items {@code model} does not know
   * are skipped; none known gives the empty embedding. Nothing is persisted.
   */
  UserState withSessionRebuilt(ModelView model, UserProfileSettings settings) {
    float[] rebuilt = null;
    for (String id : recentItems) {
      int idx = model.catalog().indexOf(id);
      if (idx >= 0) {
        rebuilt =
            SessionEmbedding.update(
                rebuilt,
                sessionTimeMs,
                model.vector(idx),
                sessionTimeMs,
                settings.sessionHalfLife().toMillis(),
                1.0f);
      }
    }
    return new UserState(
        rebuilt == null ? new float[0] : rebuilt,
        sessionTimeMs,
        recentItems,
        recentEventFingerprints,
        purchases,
        policyState,
        userStrength,
        pending,
        eventsByType,
        lastEventTimeMs,
        slatesServed,
        rewardsObserved,
        rewardSum);
  }

  /**
   * Applies an interaction as {@link #onInteraction(UserProfile.InteractionRecorded, String,
   * float[], UserProfileSettings)} does, with the item's canonical id and vector looked up in
   * {@code model} (none for an item the catalogue lacks).
   */
  UserState onInteraction(
      UserProfile.InteractionRecorded e, ModelView model, UserProfileSettings settings) {
    int idx = model.catalog().indexOf(e.itemId());
    return idx < 0
        ? onInteraction(e, e.itemId(), null, settings)
        : onInteraction(e, model.catalog().get(idx).itemId(), model.vector(idx), settings);
  }

  /**
   * Applies an interaction: counters, recent items, idempotency log and the session embedding.
   *
   * @param itemId the event's item id, as the catalogue's own String instance when the item is in
   *     the catalogue (histories of many users then share one copy of each id)
   * @param itemVector {@code float[d]} of the item, or null when it is not in the catalogue
   */
  UserState onInteraction(
      UserProfile.InteractionRecorded e,
      String itemId,
      float[] itemVector,
      UserProfileSettings settings) {
    long[] counts = eventsByType.clone();
    counts[e.type().ordinal()]++;
    float[] newSession = session;
    long newSessionTime = sessionTimeMs;
    if (itemVector != null) {
      float[] current = session.length == itemVector.length ? session : null;
      newSession =
          SessionEmbedding.update(
              current,
              sessionTimeMs,
              itemVector,
              e.eventTimeMs(),
              settings.sessionHalfLife().toMillis(),
              1.0f);
      newSessionTime = SessionEmbedding.newTime(sessionTimeMs, e.eventTimeMs());
    }
    return new UserState(
        newSession,
        newSessionTime,
        appendBounded(recentItems, itemId, settings.historyLength()),
        recentEventFingerprints.with(e.eventId(), e.arrivalMs(), settings.idempotency()),
        e.type() == EventType.PURCHASE
            ? appendBounded(purchases, new Purchase(itemId, e.eventTimeMs()), MAX_PURCHASES)
            : purchases,
        policyState,
        userStrength,
        pending,
        counts,
        Math.max(lastEventTimeMs, e.eventTimeMs()),
        slatesServed,
        rewardsObserved,
        rewardSum);
  }

  /**
   * Applies a reward on a served item of the pending slate: the slot keeps its strongest reward, to
   * be learned when the slate closes; {@code rewardsObserved} counts rewarded slots and {@code
   * rewardSum} adds the increase of the slot's best reward, so both equal one observation of the
   * strongest reward. A reward on a slate no longer pending (only an older release wrote one) is
   * one immediate observation of the bandit state, as that release applied it ({@link
   * PackedPosterior#observe}), in {@code bandit}'s form.
   */
  UserState onReward(UserProfile.RewardObserved e, BanditModel bandit) {
    UserState adapted = bandit.adapt(this);
    if (adapted != this) {
      return adapted.onReward(e, bandit);
    }
    PendingSlate p = pending;
    int slot = p != null && p.slateId().equals(e.slateId()) ? p.rewardableSlotOf(e.itemId()) : -1;
    PackedPosterior post = policyState;
    double before = 0.0;
    double after = e.reward();
    if (slot >= 0) {
      before = p.bestReward(slot);
      after = Math.max(before, e.reward());
      p = p.withReward(slot, e.reward());
    } else {
      post = observeFinite(policyState, bandit.fit(e.features()), e.reward());
    }
    boolean firstReward = before <= 0 && after > 0;
    return new UserState(
        session,
        sessionTimeMs,
        recentItems,
        recentEventFingerprints,
        purchases,
        post,
        userStrength,
        p,
        eventsByType,
        lastEventTimeMs,
        slatesServed,
        rewardsObserved + (firstReward ? 1 : 0),
        rewardSum + (after - before));
  }

  /**
   * Applies a served slate as {@link #onSlateServed(UserProfile.SlateServed, List,
   * java.util.function.Function, BanditModel)} does, with the catalogue's own id instances and
   * shared projections of {@code model}.
   */
  UserState onSlateServed(UserProfile.SlateServed e, ModelView model, BanditModel bandit) {
    return onSlateServed(e, model.canonicalIds(e.itemIds()), model::projectionOf, bandit);
  }

  /**
   * Applies a served slate: the previous slate's attribution window closes (each of its slots is
   * learned once, with its strongest reward or 0), and the new slate becomes the pending one; in
   * {@code bandit}'s form (an older state is converted).
   *
   * @param itemIds the slate's item ids, as the catalogue's own instances where possible
   * @param sharedProjection the node's shared projected context part of an item id, or null ({@link
   *     ModelView#projectionOf}); see {@link PendingSlate}
   */
  UserState onSlateServed(
      UserProfile.SlateServed e,
      List<String> itemIds,
      java.util.function.Function<String, float[]> sharedProjection,
      BanditModel bandit) {
    UserState closed = withPendingClosed(bandit);
    PackedPosterior post = closed.policyState;
    PendingSlate next = PendingSlate.of(e.slateId(), itemIds, e.features(), sharedProjection);
    return new UserState(
        session,
        sessionTimeMs,
        recentItems,
        recentEventFingerprints,
        purchases,
        post,
        closed.userStrength,
        next,
        eventsByType,
        lastEventTimeMs,
        slatesServed + 1,
        rewardsObserved,
        rewardSum);
  }

  /**
   * Returns {@code state} after the observation, or unchanged when the context or reward is not
   * finite: such an event (written by an older release from a broken model) must neither fail
   * recovery nor poison the posterior; the slate assembler no longer writes one.
   */
  private static PackedPosterior observeFinite(PackedPosterior state, float[] x, double reward) {
    return PackedPosterior.allFinite(x) && Double.isFinite(reward)
        ? state.observe(x, reward)
        : state;
  }

  private static <T> List<T> appendBounded(List<T> list, T value, int max) {
    List<T> out = new ArrayList<>(Math.min(list.size() + 1, max));
    int from = Math.max(0, list.size() + 1 - max);
    for (int i = from; i < list.size(); i++) {
      out.add(list.get(i));
    }
    out.add(value);
    return List.copyOf(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UserState s
        && Arrays.equals(session, s.session)
        && sessionTimeMs == s.sessionTimeMs
        && recentItems.equals(s.recentItems)
        && recentEventFingerprints.equals(s.recentEventFingerprints)
        && purchases.equals(s.purchases)
        && policyState.equals(s.policyState)
        && Double.compare(userStrength, s.userStrength) == 0
        && java.util.Objects.equals(pending, s.pending)
        && Arrays.equals(eventsByType, s.eventsByType)
        && lastEventTimeMs == s.lastEventTimeMs
        && slatesServed == s.slatesServed
        && rewardsObserved == s.rewardsObserved
        && Double.compare(rewardSum, s.rewardSum) == 0;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(session) * 31 + recentEventFingerprints.hashCode();
  }
}
