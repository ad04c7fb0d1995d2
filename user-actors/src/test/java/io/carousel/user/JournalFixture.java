package io.carousel.user;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.SelectedSnapshot;
import akka.persistence.SnapshotProtocol;
import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import akka.persistence.query.PersistenceQuery;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.SnapshotSelectionCriteria;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import akka.serialization.jackson.JacksonObjectMapperProvider;
import akka.stream.javadsl.Sink;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * What {@link JournalFixtureGenerator} writes and {@link JournalReplayTest} reads: an embedded
 * journal (akka-persistence-jdbc on an H2 file, configured by cluster-conf's {@code
 * persistence-embedded.conf} exactly as {@code carousel serve} runs it) holding every event and
 * snapshot type the user actors persist, written by the code of commit a2974e9.
 */
final class JournalFixture {
  private JournalFixture() {}

  /** The fixture's folder on the test classpath and in the source tree. */
  static final String RESOURCE = "fixtures/journal-a2974e9";

  /** The H2 database under a data dir, as persistence-embedded.conf names it. */
  static final String DB_FILE = "journal/carousel.mv.db";

  /** The golden description of the journal: every event and snapshot as JSON, and the states. */
  static final String EXPECTED = "expected.json";

  /**
   * Settings the fixture was written with (the defaults otherwise: 18-d context with two trend
   * half-lives, pooled prior, epsilon-greedy): a snapshot every 4 events so a few events hold both
   * a snapshot and events after it.
   */
  static final String SETTINGS = "carousel.user-profile.snapshot-every = 4\n";

  /** A user with every interaction type, rewards, three slates and two snapshots. */
  static final String ALICE = "alice";

  /** A user with two interactions and a slate asked for with a context item; no snapshot. */
  static final String BOB = "bob";

  /** A user who was forgotten and came back with one interaction. */
  static final String CAROL = "carol";

  /**
   * A user whose {@code UserForgotten} is in the journal, undeleted, followed by a new interaction:
   * what a node that stopped between persisting the event and erasing the history leaves.
   */
  static final String DAVE = "dave";

  static final List<String> USERS = List.of(ALICE, BOB, CAROL, DAVE);

  /** The persistence id of the one catalogue entity. */
  static final PersistenceId CATALOGUE =
      PersistenceId.of(Catalogue.TYPE_KEY.name(), Catalogue.ENTITY_ID);

  /**
   * Returns the node's configuration on {@code dataDir}: the fixture settings over cluster-conf's
   * persistence-embedded.conf and serialization.conf (as {@code NodeOptions} builds it), on the
   * local provider (the entities are spawned directly; sharding does not change what is stored).
   */
  static Config config(Path dataDir) {
    return ConfigFactory.parseString(
            SETTINGS
                + "akka.loglevel = WARNING\n"
                + "akka.actor.provider = local\n"
                + "carousel.data-dir = \""
                + dataDir.toAbsolutePath().toString().replace("\\", "/")
                + "\"\n")
        .withFallback(ConfigFactory.parseResources("persistence-embedded.conf"))
        .withFallback(ConfigFactory.parseResources("serialization.conf"))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  /** Returns the node's dependencies: the test model, fixed clock, fixture settings. */
  static ProfileDependencies deps(ActorRef<io.carousel.engine.ScoringModel.Command> scoring) {
    Config config = ConfigFactory.parseString(SETTINGS).withFallback(ConfigFactory.load());
    return ProfileDependencies.of(
        TestModel.view(), scoring, UserProfileSettings.fromConfig(config), TestModel.CLOCK);
  }

  // ---- a recovery harness --------------------------------------------------------------------

  /** Asks a {@link Replayed} entity for its recovered state. */
  record Get(ActorRef<Object> replyTo) {}

  /** Makes a {@link Replayed} entity persist one event (the generator's crash scenario). */
  record Append(Object event, ActorRef<Done> replyTo) {}

  /**
   * An entity that recovers a persistence id with a real entity's event handler and empty state and
   * writes no snapshots: its state is what the real entity recovers, readable in full.
   */
  static final class Replayed extends EventSourcedBehavior<Object, Object, Object> {
    private final Supplier<Object> empty;
    private final BiFunction<Object, Object, Object> apply;
    private final boolean fromSnapshot;

    Replayed(
        PersistenceId id,
        Supplier<Object> empty,
        BiFunction<Object, Object, Object> apply,
        boolean fromSnapshot) {
      super(id);
      this.empty = empty;
      this.apply = apply;
      this.fromSnapshot = fromSnapshot;
    }

    @Override
    public Object emptyState() {
      return empty.get();
    }

    @Override
    public akka.persistence.typed.javadsl.Recovery recovery() {
      return fromSnapshot
          ? super.recovery()
          : akka.persistence.typed.javadsl.Recovery.withSnapshotSelectionCriteria(
              SnapshotSelectionCriteria.none());
    }

    @Override
    public CommandHandler<Object, Object, Object> commandHandler() {
      return (state, c) -> {
        if (c instanceof Get g) {
          return Effect().none().thenRun(s -> g.replyTo().tell(s));
        } else if (c instanceof Append a) {
          return Effect().persist(a.event()).thenRun(s -> a.replyTo().tell(Done.done()));
        }
        return Effect().unhandled();
      };
    }

    @Override
    public EventHandler<Object, Object> eventHandler() {
      return apply::apply;
    }
  }

  /** Returns a harness that recovers user {@code userId} as {@link UserProfile} does. */
  static Behavior<Object> user(String userId, ProfileDependencies deps, boolean fromSnapshot) {
    return new Replayed(
        UserProfile.persistenceIdOf(userId),
        deps::emptyState,
        (s, e) -> UserProfile.applyEvent((UserState) s, (UserProfile.Event) e, deps),
        fromSnapshot);
  }

  /** Returns a harness that recovers the catalogue entity as {@link Catalogue} does. */
  static Behavior<Object> catalogue(boolean fromSnapshot) {
    return new Replayed(
        CATALOGUE,
        () -> new Catalogue.State(java.util.Map.of()),
        (s, e) ->
            e instanceof Catalogue.ItemsUpserted u
                ? ((Catalogue.State) s).apply(u)
                : ((Catalogue.State) s).apply((Catalogue.ItemDeleted) e),
        fromSnapshot);
  }

  /** Spawns {@code harness}, returns its recovered state and stops it. */
  static Object recover(ActorSystem<?> system, Behavior<Object> harness) throws Exception {
    ActorRef<Object> ref =
        system
            .systemActorOf(
                Behaviors.<Object>supervise(harness)
                    .onFailure(akka.actor.typed.SupervisorStrategy.stop()),
                "replay-" + java.util.UUID.randomUUID(),
                akka.actor.typed.Props.empty())
            .narrow();
    try {
      return AskPattern.<Object, Object>ask(
              ref, r -> new Get(r), Duration.ofSeconds(20), system.scheduler())
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    } finally {
      system.classicSystem().stop(akka.actor.typed.javadsl.Adapter.toClassic(ref));
    }
  }

  // ---- the golden description -----------------------------------------------------------------

  /**
   * Describes what the journal holds, as read by this build: per persistence id its events
   * (sequence number, class, JSON), its latest snapshot (sequence number, class, JSON) and the
   * state recovered from the snapshot and from the events alone (JSON). Written with Akka's own
   * {@code jackson-json} mapper, so a renamed field shows as a changed name here even where the
   * CBOR read falls back to a default value.
   */
  static String describe(ActorSystem<?> system, ProfileDependencies deps) throws Exception {
    ObjectMapper json =
        JacksonObjectMapperProvider.get(system)
            .getOrCreate("jackson-json", Optional.empty())
            .copy()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    ObjectNode root = json.createObjectNode();
    for (String user : USERS) {
      PersistenceId id = UserProfile.persistenceIdOf(user);
      root.set(
          id.id(),
          entity(
              system,
              json,
              id,
              recover(system, user(user, deps, true)),
              recover(system, user(user, deps, false))));
    }
    root.set(
        CATALOGUE.id(),
        entity(
            system,
            json,
            CATALOGUE,
            recover(system, catalogue(true)),
            recover(system, catalogue(false))));
    return json.writeValueAsString(root) + "\n";
  }

  private static ObjectNode entity(
      ActorSystem<?> system,
      ObjectMapper json,
      PersistenceId id,
      Object fromSnapshot,
      Object fromEvents)
      throws Exception {
    ObjectNode out = json.createObjectNode();
    ArrayNode events = out.putArray("events");
    JdbcReadJournal journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    var envelopes =
        journal
            .currentEventsByPersistenceId(id.id(), 0L, Long.MAX_VALUE)
            .runWith(Sink.seq(), system)
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    for (var e : envelopes) {
      ObjectNode row = events.addObject();
      row.put("seqNr", e.sequenceNr());
      row.put("class", e.event().getClass().getName());
      row.set("event", json.valueToTree(e.event()));
    }
    SelectedSnapshot snapshot = latestSnapshot(system, id.id());
    if (snapshot != null) {
      ObjectNode s = out.putObject("snapshot");
      s.put("seqNr", snapshot.metadata().sequenceNr());
      s.put("class", snapshot.snapshot().getClass().getName());
      s.set("state", json.valueToTree(snapshot.snapshot()));
    }
    out.set("recovered", json.valueToTree(fromSnapshot));
    out.put("recoveredFromEventsOnlyEquals", fromSnapshot.equals(fromEvents));
    return out;
  }

  /** Returns the latest snapshot of {@code persistenceId} through the snapshot-store protocol. */
  static SelectedSnapshot latestSnapshot(ActorSystem<?> system, String persistenceId)
      throws Exception {
    akka.actor.ActorRef store =
        akka.persistence.Persistence.get(system.classicSystem())
            .snapshotStoreFor("", ConfigFactory.empty());
    Object reply =
        akka.pattern.Patterns.ask(
                store,
                new SnapshotProtocol.LoadSnapshot(
                    persistenceId,
                    akka.persistence.SnapshotSelectionCriteria.Latest(),
                    Long.MAX_VALUE),
                Duration.ofSeconds(20))
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    if (reply instanceof SnapshotProtocol.LoadSnapshotResult r) {
      return r.snapshot().isDefined() ? r.snapshot().get() : null;
    }
    throw new IllegalStateException("snapshot store answered " + reply);
  }
}
