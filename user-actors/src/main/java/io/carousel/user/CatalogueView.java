package io.carousel.user;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.pubsub.Topic;
import java.time.Duration;

/**
 * One per node: keeps the node's {@link ItemAvailability} in step with the {@link Catalogue}. It
 * subscribes to the catalogue topic and, at start and every {@code resync} interval, asks the
 * catalogue for its full state, so a node that joins late or missed a message converges.
 */
public final class CatalogueView {
  private enum Resync {
    TICK
  }

  private CatalogueView() {}

  /** Returns the behaviour; {@code resync} bounds how stale a node can be after a lost message. */
  public static Behavior<Object> create(ItemAvailability availability, Duration resync) {
    return Behaviors.setup(
        ctx -> {
          ActorRef<Catalogue.Changed> self = ctx.getSelf().narrow();
          ActorRef<Topic.Command<Catalogue.Changed>> topic =
              ctx.spawn(Topic.create(Catalogue.Changed.class, Catalogue.TOPIC), "topic");
          topic.tell(Topic.subscribe(self));
          return Behaviors.withTimers(
              timers -> {
                timers.startTimerWithFixedDelay(Resync.TICK, Duration.ofMillis(1), resync);
                return Behaviors.receive(Object.class)
                    .onMessage(
                        Catalogue.Changed.class,
                        c -> {
                          availability.apply(c.items());
                          return Behaviors.same();
                        })
                    .onMessageEquals(
                        Resync.TICK,
                        () -> {
                          Catalogue.ref(ctx.getSystem()).tell(new Catalogue.GetAll(self));
                          return Behaviors.same();
                        })
                    .build();
              });
        });
  }
}
