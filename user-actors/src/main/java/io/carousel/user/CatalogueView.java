package io.carousel.user;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.pubsub.Topic;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * One per node: keeps the node's {@link ItemAvailability} in step with the {@link Catalogue}. It
 * subscribes to the catalogue topic and, at start and every {@code resync} interval, asks the
 * catalogue for its full state, so a node that joins late or missed a message converges.
 */
public final class CatalogueView {
  private enum Resync {
    START,
    TICK
  }

  private CatalogueView() {}

  /**
   * Returns the behaviour; {@code resync} bounds how stale a node can be after a lost message. The
   * first full read waits for {@code journalReady}, so the catalogue entity never recovers from a
   * journal whose schema does not exist yet.
   */
  public static Behavior<Object> create(
      ItemAvailability availability, Duration resync, CompletionStage<?> journalReady) {
    return Behaviors.setup(
        ctx -> {
          ActorRef<Catalogue.Changed> self = ctx.getSelf().narrow();
          ActorRef<Topic.Command<Catalogue.Changed>> topic =
              ctx.spawn(Topic.create(Catalogue.Changed.class, Catalogue.TOPIC), "topic");
          topic.tell(Topic.subscribe(self));
          return Behaviors.withTimers(
              timers -> {
                ctx.pipeToSelf(journalReady, (ok, failure) -> Resync.START);
                return Behaviors.receive(Object.class)
                    .onMessage(
                        Catalogue.Changed.class,
                        c -> {
                          availability.apply(c.items());
                          return Behaviors.same();
                        })
                    .onMessageEquals(
                        Resync.START,
                        () -> {
                          timers.startTimerWithFixedDelay(Resync.TICK, Duration.ZERO, resync);
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
