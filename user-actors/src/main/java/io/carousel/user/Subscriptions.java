package io.carousel.user;

import akka.actor.typed.ActorRef;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The live WebSocket subscribers of one user actor, each with the slate size it asked for. Not
 * persisted: a subscriber re-subscribes periodically, which also carries it to the user's new node
 * after a shard moves. Keeps the node's subscriber gauge in step. Not thread-safe (actor-confined).
 */
final class Subscriptions {
  /** Empty and shared until the first subscriber: most user actors never get one. */
  private Map<ActorRef<UserProfile.SlateReply>, Integer> byRef = Map.of();

  private final CarouselMetrics metrics;

  Subscriptions(CarouselMetrics metrics) {
    this.metrics = metrics;
  }

  /** Adds or renews; returns the slate size it had before, or null when it is new. */
  Integer put(ActorRef<UserProfile.SlateReply> subscriber, int k) {
    if (byRef.isEmpty()) {
      byRef = new LinkedHashMap<>(4);
    }
    Integer before = byRef.put(subscriber, k);
    if (before == null) {
      metrics.subscribersChanged(1);
    }
    return before;
  }

  /** Removes; returns whether it was subscribed. */
  boolean remove(ActorRef<UserProfile.SlateReply> subscriber) {
    boolean removed = !byRef.isEmpty() && byRef.remove(subscriber) != null;
    if (removed) {
      metrics.subscribersChanged(-1);
    }
    return removed;
  }

  /** Returns the largest slate size any subscriber wants, or 0 when there is none. */
  int largestK() {
    int k = 0;
    for (int wanted : byRef.values()) {
      k = Math.max(k, wanted);
    }
    return k;
  }

  /** Sends {@code slate} to every subscriber. */
  void push(UserProfile.SlateReply slate) {
    for (ActorRef<UserProfile.SlateReply> sub : byRef.keySet()) {
      sub.tell(slate);
    }
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
