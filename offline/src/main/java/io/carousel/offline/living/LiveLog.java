package io.carousel.offline.living;

import akka.actor.typed.ActorSystem;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.Offset;
import akka.persistence.query.PersistenceQuery;
import akka.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import akka.persistence.query.javadsl.CurrentEventsByTagQuery;
import akka.persistence.query.javadsl.ReadJournal;
import akka.stream.javadsl.Sink;
import io.carousel.offline.data.Interaction;
import io.carousel.user.Catalogue;
import io.carousel.user.UserProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What arrived through the API, read from the journal with Akka Persistence Query: every {@link
 * UserProfile.InteractionRecorded} by its tag ({@link UserProfile#INTERACTION_TAG}, one {@code
 * currentEventsByTag}, in the journal's global order, never a scan of every persistence id), and
 * the catalogue entity's items ({@code currentEventsByPersistenceId} of its one persistence id,
 * folded as the entity folds them). Both are finite snapshots of what is stored when asked; the
 * read journal is any plugin that implements both queries (the JDBC one on the embedded H2 file),
 * so the server can later read through its own actor system.
 *
 * <p>Only events written since interactions are tagged are found: rows of older journals carry no
 * tag row (ADR 0012 says how to backfill).
 */
public final class LiveLog {

  /**
   * The snapshot.
   *
   * @param interactions tagged interactions in the journal's order (per user: persist order); the
   *     user id is the persistence id without {@code UserProfile|}, the time is the event time
   * @param items the catalogue entity's items that are not deleted, by id
   * @param deletedItems ids the catalogue marks deleted
   */
  public record Snapshot(
      List<Interaction> interactions,
      Map<String, Catalogue.ItemState> items,
      List<String> deletedItems) {

    /** Copies the collections. */
    public Snapshot {
      interactions = List.copyOf(interactions);
      items = Collections.unmodifiableMap(new TreeMap<>(items));
      deletedItems = List.copyOf(deletedItems);
    }

    /** Nothing arrived (no journal yet). */
    public static Snapshot empty() {
      return new Snapshot(List.of(), Map.of(), List.of());
    }
  }

  private LiveLog() {}

  /**
   * Reads the snapshot through the read journal {@code readJournalId} of {@code system}.
   *
   * @throws IllegalStateException if a query fails or exceeds {@code timeout}
   */
  public static Snapshot read(ActorSystem<?> system, String readJournalId, Duration timeout) {
    ReadJournal journal =
        PersistenceQuery.get(system).getReadJournalFor(ReadJournal.class, readJournalId);
    Map<String, Catalogue.ItemState> all = new TreeMap<>();
    fold(system, (CurrentEventsByPersistenceIdQuery) journal, timeout, all);
    Map<String, Catalogue.ItemState> items = new TreeMap<>();
    List<String> deleted = new ArrayList<>();
    all.forEach(
        (id, s) -> {
          if (s.deleted()) {
            deleted.add(id);
          } else {
            items.put(id, s);
          }
        });
    return new Snapshot(
        interactions(system, (CurrentEventsByTagQuery) journal, timeout), items, deleted);
  }

  /** Returns every tagged interaction, in the journal's order. */
  static List<Interaction> interactions(
      ActorSystem<?> system, CurrentEventsByTagQuery journal, Duration timeout) {
    String prefix = UserProfile.TYPE_KEY.name() + "|";
    List<EventEnvelope> envelopes =
        await(
            journal
                .currentEventsByTag(UserProfile.INTERACTION_TAG, Offset.noOffset())
                .runWith(Sink.seq(), system),
            timeout,
            "interactions by tag");
    List<Interaction> out = new ArrayList<>(envelopes.size());
    for (EventEnvelope env : envelopes) {
      if (env.event() instanceof UserProfile.InteractionRecorded e
          && env.persistenceId().startsWith(prefix)) {
        out.add(
            new Interaction(
                env.persistenceId().substring(prefix.length()),
                e.itemId(),
                e.type(),
                e.eventTimeMs()));
      }
    }
    return out;
  }

  /** The catalogue entity's persistence id (one entity for the whole cluster). */
  public static String cataloguePersistenceId() {
    return Catalogue.TYPE_KEY.name() + "|" + Catalogue.ENTITY_ID;
  }

  /**
   * Folds the catalogue's events as {@code Catalogue.State.apply} does: an upsert replaces the
   * item, a delete marks it deleted. The entity keeps every event (its retention deletes old
   * snapshots, never events), so the fold from sequence number 0 is its state.
   */
  private static void fold(
      ActorSystem<?> system,
      CurrentEventsByPersistenceIdQuery journal,
      Duration timeout,
      Map<String, Catalogue.ItemState> items) {
    List<EventEnvelope> envelopes =
        await(
            journal
                .currentEventsByPersistenceId(cataloguePersistenceId(), 0L, Long.MAX_VALUE)
                .runWith(Sink.seq(), system),
            timeout,
            "catalogue events");
    for (EventEnvelope env : envelopes) {
      if (env.event() instanceof Catalogue.ItemsUpserted up) {
        for (Catalogue.ItemUpsert u : up.items()) {
          items.put(
              u.itemId(),
              new Catalogue.ItemState(
                  u.title(),
                  u.description(),
                  u.category(),
                  u.price(),
                  u.inStock(),
                  false,
                  up.timeMs()));
        }
      } else if (env.event() instanceof Catalogue.ItemDeleted del) {
        Catalogue.ItemState old = items.get(del.itemId());
        items.put(
            del.itemId(),
            old == null
                ? new Catalogue.ItemState(null, null, null, null, false, true, del.timeMs())
                : new Catalogue.ItemState(
                    old.title(),
                    old.description(),
                    old.category(),
                    old.price(),
                    false,
                    true,
                    del.timeMs()));
      }
    }
  }

  private static <T> T await(
      java.util.concurrent.CompletionStage<T> stage, Duration timeout, String what) {
    try {
      return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the " + what, e);
    } catch (Exception e) {
      throw new IllegalStateException("reading the " + what + " from the journal failed: " + e, e);
    }
  }
}
