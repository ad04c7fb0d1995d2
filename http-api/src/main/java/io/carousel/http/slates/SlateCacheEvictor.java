package io.carousel.http.slates;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import io.carousel.user.CborSerializable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Evicts a forgotten user from the {@link SlateCache} of every node: one evictor per node,
 * registered with the receptionist; {@link #evictEverywhere} asks each one found and completes when
 * all confirmed, so {@code DELETE /v1/users/{id}} answers 204 only after no reachable node can
 * serve the user's cached slate any more.
 */
final class SlateCacheEvictor {
  static final ServiceKey<Evict> KEY = ServiceKey.create(Evict.class, "carousel-slate-cache");

  /** Evict {@code userId} and confirm. */
  record Evict(String userId, ActorRef<Done> replyTo) implements CborSerializable {}

  private SlateCacheEvictor() {}

  /** Returns this node's evictor, which registers itself with the receptionist. */
  static Behavior<Evict> create(SlateCache cache) {
    return Behaviors.setup(
        ctx -> {
          ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
          return Behaviors.receiveMessage(
              e -> {
                cache.forget(e.userId());
                e.replyTo().tell(Done.getInstance());
                return Behaviors.same();
              });
        });
  }

  /**
   * Asks every registered evictor to evict {@code userId}; completes when all confirmed, or
   * exceptionally when one did not within {@code timeout}.
   */
  static CompletionStage<Done> evictEverywhere(
      ActorSystem<?> system, String userId, Duration timeout) {
    return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
            system.receptionist(), r -> Receptionist.find(KEY, r), timeout, system.scheduler())
        .thenCompose(
            listing -> {
              List<CompletableFuture<Done>> acks =
                  listing.getServiceInstances(KEY).stream()
                      .map(
                          ref ->
                              AskPattern.<Evict, Done>ask(
                                      ref, r -> new Evict(userId, r), timeout, system.scheduler())
                                  .toCompletableFuture())
                      .toList();
              return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                  .thenApply(v -> Done.getInstance());
            });
  }
}
