package io.carousel.http;

import akka.NotUsed;
import akka.actor.typed.ActorRef;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.stream.javadsl.Source;
import io.carousel.user.UserProfile;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The slates of one WebSocket subscriber, following its user across the cluster. The user actor
 * keeps its subscribers in memory only, so when its shard moves (a rebalance onto a new node, or a
 * downed node's users recovered elsewhere) the new incarnation knows none of them. The subscriber
 * therefore re-sends {@link UserProfile.Subscribe} every {@code resubscribe} through sharding: the
 * first one after a move starts the user on its new node, which subscribes it again and pushes a
 * slate at once; while nothing moved, a repeated subscription changes nothing.
 */
final class SlateSubscription {
  private enum Tick {
    INSTANCE
  }

  private SlateSubscription() {}

  /**
   * Returns the subscriber's slates: a conflating source (latest slate only) subscribed to {@code
   * user} on materialization and again every {@code resubscribe}; it ends when the client goes.
   */
  static Source<UserProfile.SlateReply, NotUsed> following(
      EntityRef<UserProfile.Command> user, int k, Duration resubscribe) {
    AtomicReference<ActorRef<UserProfile.SlateReply>> subscriber = new AtomicReference<>();
    Source<UserProfile.SlateReply, NotUsed> slates =
        CarouselRoutes.conflatingSlates()
            .mapMaterializedValue(
                ref -> {
                  subscriber.set(ref);
                  user.tell(new UserProfile.Subscribe(ref, k));
                  return NotUsed.notUsed();
                });
    Source<UserProfile.SlateReply, NotUsed> renewals =
        Source.tick(resubscribe, resubscribe, Tick.INSTANCE)
            .mapMaterializedValue(cancellable -> NotUsed.notUsed())
            .mapConcat(t -> renew(user, subscriber.get(), k));
    return slates.merge(renewals);
  }

  /** Re-sends the subscription once the subscriber exists; emits nothing. */
  private static List<UserProfile.SlateReply> renew(
      EntityRef<UserProfile.Command> user, ActorRef<UserProfile.SlateReply> subscriber, int k) {
    if (subscriber != null) {
      user.tell(new UserProfile.Subscribe(subscriber, k));
    }
    return List.of();
  }
}
