package io.carousel.user;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.DeleteMessagesFailure;
import akka.persistence.DeleteMessagesSuccess;
import akka.persistence.DeleteSnapshotsFailure;
import akka.persistence.DeleteSnapshotsSuccess;
import akka.persistence.JournalProtocol;
import akka.persistence.Persistence;
import akka.persistence.SnapshotProtocol;
import akka.persistence.SnapshotSelectionCriteria;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.function.Function;

/**
 * A short-lived child of a {@link UserProfile} that physically deletes the user's journal events up
 * to a sequence number and every snapshot up to it, through the journal and snapshot-store protocol
 * that every Akka persistence plugin implements (H2/JDBC and Cassandra alike), then runs the
 * store's {@link HistoryPurge} for the rows the protocol leaves behind (the highest event row,
 * {@code deleted_to}, the id in the list of persistence ids). Events persisted after that sequence
 * number are untouched, so a user who comes back right away starts a fresh history. Reports once,
 * then stops; a failure or a timeout is reported, never swallowed.
 */
final class JournalEraser {
  private JournalEraser() {}

  /**
   * Returns the eraser's behaviour.
   *
   * @param persistenceId whose events and snapshots go
   * @param toSequenceNr inclusive upper bound
   * @param timeout how long to wait for both stores, and then again for the purge
   * @param purge what removes the rows the protocol leaves
   * @param report maps null (success) or the failure to the parent's message
   */
  static <T> Behavior<Object> create(
      String persistenceId,
      long toSequenceNr,
      Duration timeout,
      HistoryPurge purge,
      ActorRef<T> parent,
      Function<Throwable, T> report) {
    return Behaviors.setup(
        ctx -> {
          akka.actor.ActorRef classicSelf = Adapter.toClassic(ctx.getSelf());
          Persistence persistence = Persistence.get(Adapter.toClassic(ctx.getSystem()));
          persistence
              .journalFor("", ConfigFactory.empty())
              .tell(
                  new JournalProtocol.DeleteMessagesTo(persistenceId, toSequenceNr, classicSelf),
                  classicSelf);
          persistence
              .snapshotStoreFor("", ConfigFactory.empty())
              .tell(
                  new SnapshotProtocol.DeleteSnapshots(
                      persistenceId,
                      SnapshotSelectionCriteria.create(toSequenceNr, Long.MAX_VALUE)),
                  classicSelf);
          ctx.setReceiveTimeout(timeout, "timeout");
          Runnable purging =
              () ->
                  ctx.pipeToSelf(
                      purge
                          .purge(persistenceId, toSequenceNr)
                          .toCompletableFuture()
                          .orTimeout(
                              timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS),
                      (done, failure) -> failure == null ? PURGED : new PurgeFailed(failure));
          return waiting(parent, report, 2, purging);
        });
  }

  private static final Object PURGED = "purged";

  private record PurgeFailed(Throwable cause) {}

  private static <T> Behavior<Object> waiting(
      ActorRef<T> parent, Function<Throwable, T> report, int outstanding, Runnable purging) {
    return Behaviors.receive(Object.class)
        .onMessage(
            Object.class,
            msg -> {
              Throwable failure = null;
              if (msg instanceof DeleteMessagesFailure f) {
                failure = f.cause();
              } else if (msg instanceof DeleteSnapshotsFailure f) {
                failure = f.cause();
              } else if ("timeout".equals(msg)) {
                failure = new java.util.concurrent.TimeoutException("journal did not confirm");
              } else if (msg instanceof PurgeFailed f) {
                failure = f.cause();
              } else if (msg == PURGED) {
                parent.tell(report.apply(null));
                return Behaviors.stopped();
              } else if (!(msg instanceof DeleteMessagesSuccess)
                  && !(msg instanceof DeleteSnapshotsSuccess)) {
                return Behaviors.same();
              }
              if (failure != null) {
                parent.tell(report.apply(failure));
                return Behaviors.stopped();
              }
              if (outstanding == 1) {
                // Events and snapshots are gone: now the rows the protocol keeps (the purge has
                // its own timeout; the receive timeout would be reset by nothing else anyway).
                purging.run();
                return waiting(parent, report, 0, purging);
              }
              return waiting(parent, report, outstanding - 1, purging);
            })
        .build();
  }
}
