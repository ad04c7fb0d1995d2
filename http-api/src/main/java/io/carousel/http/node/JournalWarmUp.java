package io.carousel.http.node;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.RecoveryFailed;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import akka.persistence.typed.javadsl.SignalHandler;
import java.util.concurrent.CompletableFuture;

/**
 * A read-only event-sourced actor recovered once before the node binds HTTP: its recovery makes the
 * configured journal and snapshot store connect (and, on Cassandra, check or create their schema),
 * so the first shopper's event does not pay those seconds. It persists nothing and stops as soon as
 * recovery ends.
 */
public final class JournalWarmUp
    extends EventSourcedBehavior<JournalWarmUp.Stop, JournalWarmUp.Stop, Integer> {

  /** The only command: sent to itself after recovery. Never persisted. */
  enum Stop {
    INSTANCE
  }

  private final ActorRef<Stop> self;
  private final CompletableFuture<Done> recovered;

  private JournalWarmUp(
      ActorRef<Stop> self, String persistenceId, CompletableFuture<Done> recovered) {
    super(PersistenceId.ofUniqueId(persistenceId));
    this.self = self;
    this.recovered = recovered;
  }

  /** Returns a behaviour that completes {@code recovered} when its recovery ends, then stops. */
  public static Behavior<Stop> create(String persistenceId, CompletableFuture<Done> recovered) {
    return Behaviors.setup(ctx -> new JournalWarmUp(ctx.getSelf(), persistenceId, recovered));
  }

  @Override
  public Integer emptyState() {
    return 0;
  }

  @Override
  public CommandHandler<Stop, Stop, Integer> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Stop.class, c -> Effect().stop())
        .build();
  }

  @Override
  public EventHandler<Integer, Stop> eventHandler() {
    return newEventHandlerBuilder().forAnyState().build();
  }

  @Override
  public SignalHandler<Integer> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> onRecovered())
        .onSignal(
            RecoveryFailed.class,
            (state, failed) -> recovered.completeExceptionally(failed.getFailure()))
        .build();
  }

  private void onRecovered() {
    recovered.complete(Done.getInstance());
    self.tell(Stop.INSTANCE);
  }
}
