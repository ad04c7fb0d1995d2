package io.carousel.http.slates;

import akka.NotUsed;
import akka.actor.typed.ActorRef;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.stream.OverflowStrategy;
import akka.stream.javadsl.Source;
import akka.stream.typed.javadsl.ActorSource;
import io.carousel.user.UserProfile;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The slates of one WebSocket subscriber, following its user across the cluster. The user actor
 * keeps its subscribers in memory only, so when its shard moves (a rebalance onto a new node, or a
 * downed node's users recovered elsewhere) the new incarnation knows none of them. The subscriber
 * therefore re-sends {@link UserProfile.Subscribe} every {@code resubscribe} through sharding: the
 * first one after a move starts the user on its new node, which subscribes it again and pushes a
 * slate at once; while nothing moved, a repeated subscription changes nothing. A {@link
 * UserProfile.StreamClosed} (refused, or the user forgotten) is the last element: the source ends
 * after it.
 */
public final class SlateSubscription {
  private enum Tick {
    INSTANCE
  }

  private SlateSubscription() {}

  /**
   * Returns the subscriber's messages: a conflating source (latest slate only) subscribed to {@code
   * user} on materialization and again every {@code resubscribe}; it ends after a {@link
   * UserProfile.StreamClosed} or when the client goes.
   */
  static Source<UserProfile.StreamMessage, NotUsed> following(
      EntityRef<UserProfile.Command> user, int k, Duration resubscribe) {
    AtomicReference<ActorRef<UserProfile.StreamMessage>> subscriber = new AtomicReference<>();
    Source<UserProfile.StreamMessage, NotUsed> slates =
        conflatingSlates()
            .mapMaterializedValue(
                ref -> {
                  subscriber.set(ref);
                  user.tell(new UserProfile.Subscribe(ref, k));
                  return NotUsed.notUsed();
                });
    Source<UserProfile.StreamMessage, NotUsed> renewals =
        Source.tick(resubscribe, resubscribe, Tick.INSTANCE)
            .mapMaterializedValue(cancellable -> NotUsed.notUsed())
            .mapConcat(t -> renew(user, subscriber.get(), k));
    return slates
        .merge(renewals)
        .takeWhile(m -> !(m instanceof UserProfile.StreamClosed), true)
        // Conflate again past the merge: whatever waits here while the client does not read is
        // replaced by the newer message (a StreamClosed, being last, always survives).
        .conflate((older, newer) -> newer);
  }

  /**
   * The per-subscriber source: an actor ref the user actor pushes to, buffering one message and
   * dropping the older one when the client is not reading (conflation to the latest slate).
   */
  public static Source<UserProfile.StreamMessage, ActorRef<UserProfile.StreamMessage>>
      conflatingSlates() {
    return ActorSource.actorRef(m -> false, m -> Optional.empty(), 1, OverflowStrategy.dropHead());
  }

  /** Re-sends the subscription once the subscriber exists; emits nothing. */
  private static List<UserProfile.StreamMessage> renew(
      EntityRef<UserProfile.Command> user, ActorRef<UserProfile.StreamMessage> subscriber, int k) {
    if (subscriber != null) {
      user.tell(new UserProfile.Subscribe(subscriber, k));
    }
    return List.of();
  }
}
