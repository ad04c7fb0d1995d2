package io.carousel.user;

import akka.Done;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Removes what a journal keeps of a persistence id after every event and snapshot of it was deleted
 * through the journal protocol ({@link JournalEraser}): the protocol deletes events and snapshots,
 * but plugins keep bookkeeping rows naming the id (akka-persistence-jdbc keeps the highest event
 * row, marked deleted, so that sequence numbers are never reused; the Cassandra plugin keeps {@code
 * akka.metadata.deleted_to} and the id in {@code akka.all_persistence_ids}). Forgetting a shopper
 * runs it after the protocol's deletes, so no row naming the shopper is left where the store allows
 * (docs/security.md, "Forgetting, completely"). Implementations live where the store is known
 * ({@code http-api}'s {@code journal.JournalPurge}); user actors only call it.
 */
@FunctionalInterface
public interface HistoryPurge {

  /** Purges nothing: the journal protocol's deletes are all (the in-memory test journal). */
  HistoryPurge NONE =
      (persistenceId, toSequenceNr) -> CompletableFuture.completedFuture(Done.done());

  /**
   * Deletes every remaining row of {@code persistenceId} up to {@code toSequenceNr} (inclusive;
   * {@link Long#MAX_VALUE} for all) and the id's bookkeeping rows; events persisted after {@code
   * toSequenceNr} are kept.
   *
   * @return completes once the store confirmed, or fails
   */
  CompletionStage<Done> purge(String persistenceId, long toSequenceNr);
}
