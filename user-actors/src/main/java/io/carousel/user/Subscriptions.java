package io.carousel.user;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.BehaviorInterceptor;
import akka.actor.typed.TypedActorContext;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The live WebSocket subscribers of one user actor, each with the slate size it asked for, and the
 * gate that handles subscription commands outside the persistence stash.
 *
 * <p>Why an interceptor: an event-sourced actor stashes every command that arrives while it
 * persists, and Akka 2.8 unstashes read-only commands recursively (each one's handler unstashes the
 * next on the same stack, akka/akka-core#29933). Subscriptions touch only this in-memory map, so
 * they never need to wait for a persist: {@link UserProfile.Subscribe}, {@link
 * UserProfile.Unsubscribe} and the termination of a subscriber are handled here, before the
 * event-sourced behaviour sees them. Only a new subscription's first slate goes on to the actor
 * (one {@link UserProfile.SubscribeSlate} per admitted subscriber, at most {@code maxSubscribers}).
 * 400 sockets re-subscribing every 2 s used to fill the stash with thousands of {@code Subscribe}s
 * whose recursive unstash overflowed the stack and ended the JVM.
 *
 * <p>Not persisted: a subscriber re-subscribes periodically, which also carries it to the user's
 * new node after a shard moves. Keeps the node's subscriber gauge in step. Actor-confined.
 */
final class Subscriptions extends BehaviorInterceptor<UserProfile.Command, UserProfile.Command> {
  /** The {@code code} of the message refusing a subscriber beyond the per-user cap. */
  static final String TOO_MANY = "too-many-subscribers";

  /** Empty and shared until the first subscriber: most user actors never get one. */
  private Map<ActorRef<UserProfile.StreamMessage>, Integer> byRef = Map.of();

  private final CarouselMetrics metrics;
  private final int maxSubscribers;

  Subscriptions(CarouselMetrics metrics, int maxSubscribers) {
    super(UserProfile.Command.class);
    this.metrics = metrics;
    this.maxSubscribers = maxSubscribers;
  }

  @Override
  public Behavior<UserProfile.Command> aroundReceive(
      TypedActorContext<UserProfile.Command> ctx,
      UserProfile.Command msg,
      ReceiveTarget<UserProfile.Command> target) {
    if (msg instanceof UserProfile.Subscribe s) {
      subscribe(ctx.asJava(), s.subscriber(), s.k());
      return Behaviors.same();
    } else if (msg instanceof UserProfile.Unsubscribe u) {
      remove(ctx.asJava(), u.subscriber());
      return Behaviors.same();
    } else if (msg instanceof UserProfile.SubscriberTerminated t) {
      remove(ctx.asJava(), t.subscriber());
      return Behaviors.same();
    }
    return target.apply(ctx, msg);
  }

  /**
   * Adds or renews a subscription. A new one beyond {@code maxSubscribers} is refused with a {@link
   * UserProfile.StreamClosed} (the socket closes with that reason); a new one, or one that changed
   * its {@code k}, gets a first slate; a renewal that changes nothing costs nothing more.
   */
  void subscribe(
      ActorContext<UserProfile.Command> ctx, ActorRef<UserProfile.StreamMessage> sub, int k) {
    Integer before = byRef.get(sub);
    if (before == null && byRef.size() >= maxSubscribers) {
      sub.tell(
          new UserProfile.StreamClosed(
              TOO_MANY,
              "this user already has "
                  + maxSubscribers
                  + " streams (carousel.user-profile.max-subscribers); close one and retry"));
      return;
    }
    if (byRef.isEmpty()) {
      byRef = new LinkedHashMap<>(4);
    }
    byRef.put(sub, k);
    if (before == null) {
      metrics.subscribersChanged(1);
      ctx.watchWith(sub, new UserProfile.SubscriberTerminated(sub));
    }
    if (before == null || before != k) {
      ctx.getSelf().tell(new UserProfile.SubscribeSlate(sub, k));
    }
  }

  /** Removes a subscriber, if subscribed. */
  void remove(ActorContext<UserProfile.Command> ctx, ActorRef<UserProfile.StreamMessage> sub) {
    boolean removed = !byRef.isEmpty() && byRef.remove(sub) != null;
    if (removed) {
      metrics.subscribersChanged(-1);
      ctx.unwatch(sub);
    }
  }

  /** Returns the slate size {@code sub} is subscribed with, or 0 when it is not subscribed. */
  int kOf(ActorRef<UserProfile.StreamMessage> sub) {
    Integer k = byRef.get(sub);
    return k == null ? 0 : k;
  }

  /** Returns the distinct slate sizes the subscribers want, in first-subscribed order. */
  int[] distinctKs() {
    return byRef.values().stream().mapToInt(Integer::intValue).distinct().toArray();
  }

  /** Sends {@code slate} to every subscriber that asked for slates of {@code k} items. */
  void pushTo(int k, UserProfile.SlateReply slate) {
    for (Map.Entry<ActorRef<UserProfile.StreamMessage>, Integer> e : byRef.entrySet()) {
      if (e.getValue() == k) {
        e.getKey().tell(slate);
      }
    }
  }

  /** Sends {@code closed} to every subscriber and forgets them all (their streams end). */
  void closeAll(ActorContext<UserProfile.Command> ctx, UserProfile.StreamClosed closed) {
    for (ActorRef<UserProfile.StreamMessage> sub : byRef.keySet()) {
      sub.tell(closed);
      ctx.unwatch(sub);
    }
    clear();
  }

  /** Returns the number of subscribers. */
  int size() {
    return byRef.size();
  }

  /** Forgets every subscriber (the actor stops); keeps the gauge right. */
  void clear() {
    metrics.subscribersChanged(-byRef.size());
    byRef = Map.of();
  }
}
