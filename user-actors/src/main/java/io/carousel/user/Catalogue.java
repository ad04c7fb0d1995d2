package io.carousel.user;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.pattern.StatusReply;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The shop's catalogue updates: one event-sourced entity for the whole cluster (sharded, entity id
 * {@code catalogue}), fed by {@code PUT /v1/items} and {@code DELETE /v1/items/{id}}. After every
 * change it publishes only the changed items' {@link Availability} (never titles, descriptions or
 * prices) on the {@code catalogue} topic, at most {@link #PAGE_SIZE} items a message, which each
 * node's {@link CatalogueView} applies to its {@link ItemAvailability}, so an item marked out of
 * stock or deleted is gone from the very next slate on every node. The views also re-read every
 * item's availability in pages ({@link GetPage}) to converge after a lost message. Every message
 * that crosses nodes thus stays far below Artery's 256 KiB frame, however large the catalogue.
 * Items the model was not trained on are embedded from their text by every node, which asks for
 * their text with {@link GetTexts} when an item's {@link Availability#textHash} is new to it
 * (docs/scoring.md, "Live catalogue").
 */
public final class Catalogue
    extends EventSourcedBehaviorWithEnforcedReplies<
        Catalogue.Command, Catalogue.Event, Catalogue.State> {

  /** The entity type; there is one entity, {@link #ENTITY_ID}. */
  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "Catalogue");

  /** The one entity's id. */
  public static final String ENTITY_ID = "catalogue";

  /** The topic every node listens on. */
  public static final String TOPIC = "catalogue";

  /**
   * The longest a delta waits for a new topic instance to learn the views ({@link
   * CataloguePublisher}); the views' resync covers any node it still misses.
   */
  static final Duration PUBLISH_HOLD = Duration.ofSeconds(5);

  /**
   * Most items in one {@link AvailabilityChanged} or {@link Page}. A max-length item (id of {@value
   * #MAX_ID_CHARS} and category of {@value #MAX_CATEGORY_CHARS} UTF-16 units, at most 3 UTF-8 bytes
   * each) serializes to under 1 KB in CBOR, so a message stays under about 128 KiB, half of
   * Artery's default 256 KiB maximum frame size ({@code CatalogueMessageSizeTest} measures it).
   */
  public static final int PAGE_SIZE = 128;

  /** Longest item id the HTTP layer accepts, in characters (EventParser.MAX_ID_LENGTH). */
  public static final int MAX_ID_CHARS = 200;

  /** Longest category the HTTP layer accepts, in characters. */
  public static final int MAX_CATEGORY_CHARS = 100;

  /** The business state of one item. {@code price} may be null. */
  public record ItemState(
      String title,
      String description,
      String category,
      Double price,
      boolean inStock,
      boolean deleted,
      long updatedMs)
      implements CborSerializable {}

  /** One upsert from the wire (validated by the HTTP layer). */
  public record ItemUpsert(
      String itemId,
      String title,
      String description,
      String category,
      Double price,
      boolean inStock)
      implements CborSerializable {}

  /** Commands. */
  public sealed interface Command extends CborSerializable {}

  /**
   * Upserts items; replies with how many were known before. {@code knownToModel}: the ids among
   * {@code items} that the serving model was trained on, which count as updated even on their first
   * upsert (they existed before it); null (a node that predates the field) = none.
   */
  public record Upsert(
      List<ItemUpsert> items,
      ActorRef<StatusReply<Upserted>> replyTo,
      java.util.Set<String> knownToModel)
      implements Command {
    /** An upsert of items the model does not know. */
    public Upsert(List<ItemUpsert> items, ActorRef<StatusReply<Upserted>> replyTo) {
      this(items, replyTo, java.util.Set.of());
    }
  }

  /**
   * Marks an item deleted; replies false (and persists nothing) when the item is neither in the
   * model ({@code knownToModel}) nor in the catalogue, so unknown ids cannot grow the state.
   */
  public record Delete(String itemId, boolean knownToModel, ActorRef<StatusReply<Boolean>> replyTo)
      implements Command {}

  /**
   * Asks for the availability of at most {@code limit} (capped at {@link #PAGE_SIZE}) items whose
   * ids follow {@code afterItemId} (null: from the first) in {@link String#compareTo} order.
   */
  public record GetPage(String afterItemId, int limit, ActorRef<Page> replyTo) implements Command {}

  /** Asks for the text of at most {@link #TEXT_BATCH} items; unknown ids are left out. */
  public record GetTexts(List<String> itemIds, ActorRef<Texts> replyTo) implements Command {}

  /**
   * Most items one {@link GetTexts} may ask: a max-length item (1,000 + 10,000 characters of up to
   * 3 UTF-8 bytes) is about 34 KB, so 3 stay under 128 KiB, half of Artery's frame.
   */
  public static final int TEXT_BATCH = 3;

  /**
   * One item's text and business state, as {@link GetTexts} answers it; {@code deleted} (false from
   * a node that predates it) tells a deleted item from one out of stock.
   */
  public record ItemText(
      String itemId,
      String title,
      String description,
      String category,
      boolean available,
      int textHash,
      boolean deleted)
      implements CborSerializable {}

  /** Reply to {@link GetTexts}. */
  public record Texts(List<ItemText> items) implements CborSerializable {}

  /** Returns the hash of an item's text, as {@link Availability#textHash} carries it. */
  public static int textHash(String title, String description) {
    return java.util.Objects.hash(title, description);
  }

  /** Reply to {@link Upsert}. */
  public record Upserted(int created, int updated) implements CborSerializable {}

  /**
   * What a node needs of one item to serve slates: whether it may be recommended ({@code !deleted
   * && inStock}), its catalogue category (null when none was given) and the hash of its text
   * ({@link #textHash}; 0 from a node that predates it), so a node knows when to re-embed it.
   */
  public record Availability(String itemId, boolean available, String category, int textHash)
      implements CborSerializable {
    /** An availability without text hash (tests, trained items). */
    public Availability(String itemId, boolean available, String category) {
      this(itemId, available, category, 0);
    }

    static Availability of(String itemId, ItemState s) {
      return new Availability(
          itemId,
          !s.deleted() && s.inStock(),
          s.category(),
          Catalogue.textHash(s.title(), s.description()));
    }
  }

  /**
   * Published after a change: the changed items' availability, as of the event with sequence number
   * {@code seqNr}. A change of more than {@link #PAGE_SIZE} items is published as several messages
   * with the same {@code seqNr}.
   */
  public record AvailabilityChanged(List<Availability> items, long seqNr)
      implements CborSerializable {}

  /**
   * Reply to {@link GetPage}: items in id order, read after the event with sequence number {@code
   * seqNr}; {@code last} when no item follows.
   */
  public record Page(List<Availability> items, boolean last, long seqNr)
      implements CborSerializable {}

  /** Events. */
  public sealed interface Event extends CborSerializable {}

  /** Items were upserted at {@code timeMs}. */
  public record ItemsUpserted(List<ItemUpsert> items, long timeMs) implements Event {}

  /** An item was deleted at {@code timeMs}. */
  public record ItemDeleted(String itemId, long timeMs) implements Event {}

  /**
   * State: items by id, sorted by id (copy-on-write). Serialized as a plain map, as before, so
   * earlier snapshots still load.
   */
  public record State(Map<String, ItemState> items) implements CborSerializable {
    /** Keeps the items sorted and unmodifiable. */
    public State {
      items = Collections.unmodifiableNavigableMap(new TreeMap<>(items));
    }

    NavigableMap<String, ItemState> sorted() {
      return (NavigableMap<String, ItemState>) items;
    }

    /** Returns the availability page after {@code afterItemId} (null: from the first). */
    Page page(String afterItemId, int limit, long seqNr) {
      int max = Math.max(1, Math.min(limit, PAGE_SIZE));
      NavigableMap<String, ItemState> rest =
          afterItemId == null ? sorted() : sorted().tailMap(afterItemId, false);
      List<Availability> out = new ArrayList<>(max);
      for (var e : rest.entrySet()) {
        if (out.size() == max) {
          return new Page(List.copyOf(out), false, seqNr);
        }
        out.add(Availability.of(e.getKey(), e.getValue()));
      }
      return new Page(List.copyOf(out), true, seqNr);
    }

    State apply(ItemsUpserted e) {
      TreeMap<String, ItemState> next = new TreeMap<>(sorted());
      for (ItemUpsert u : e.items()) {
        next.put(
            u.itemId(),
            new ItemState(
                u.title(),
                u.description(),
                u.category(),
                u.price(),
                u.inStock(),
                false,
                e.timeMs()));
      }
      return new State(next);
    }

    State apply(ItemDeleted e) {
      TreeMap<String, ItemState> next = new TreeMap<>(sorted());
      ItemState old = next.get(e.itemId());
      next.put(
          e.itemId(),
          old == null
              ? new ItemState(null, null, null, null, false, true, e.timeMs())
              : new ItemState(
                  old.title(),
                  old.description(),
                  old.category(),
                  old.price(),
                  false,
                  true,
                  e.timeMs()));
      return new State(next);
    }
  }

  /** Starts sharding of the catalogue entity on this node. */
  public static void initSharding(ActorSystem<?> system, Clock clock) {
    ClusterSharding.get(system).init(Entity.of(TYPE_KEY, ctx -> create(clock)));
  }

  /** Returns the entity's behaviour (the one entity, {@link #ENTITY_ID}). */
  static Behavior<Command> create(Clock clock) {
    return Behaviors.setup(c -> new Catalogue(c, clock));
  }

  /** Splits {@code items} into messages of at most {@link #PAGE_SIZE} items. */
  static List<AvailabilityChanged> deltas(List<Availability> items, long seqNr) {
    List<AvailabilityChanged> out = new ArrayList<>();
    for (int from = 0; from < items.size(); from += PAGE_SIZE) {
      out.add(
          new AvailabilityChanged(
              List.copyOf(items.subList(from, Math.min(items.size(), from + PAGE_SIZE))), seqNr));
    }
    return out;
  }

  /** Returns a reference to the one catalogue entity. */
  public static EntityRef<Command> ref(ActorSystem<?> system) {
    return ClusterSharding.get(system).entityRefFor(TYPE_KEY, ENTITY_ID);
  }

  private final ActorContext<Command> ctx;
  private final ActorRef<CataloguePublisher.Publish> publisher;
  private final Clock clock;

  private Catalogue(ActorContext<Command> ctx, Clock clock) {
    super(
        PersistenceId.of(TYPE_KEY.name(), ENTITY_ID),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.ctx = ctx;
    this.publisher = ctx.spawn(CataloguePublisher.create(PUBLISH_HOLD), "publisher");
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return new State(Map.of());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Upsert.class, this::onUpsert)
        .onCommand(Delete.class, this::onDelete)
        .onCommand(GetTexts.class, (s, c) -> Effect().reply(c.replyTo(), texts(s, c.itemIds())))
        .onCommand(
            GetPage.class,
            (s, c) ->
                Effect()
                    .reply(
                        c.replyTo(), s.page(c.afterItemId(), c.limit(), lastSequenceNumber(ctx))))
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(ItemsUpserted.class, State::apply)
        .onEvent(ItemDeleted.class, State::apply)
        .build();
  }

  private ReplyEffect<Event, State> onUpsert(State state, Upsert c) {
    int updated = 0;
    // An id repeated within one batch is created once; its later lines update it.
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (ItemUpsert u : c.items()) {
      if (!seen.add(u.itemId())
          || state.items().containsKey(u.itemId())
          || (c.knownToModel() != null && c.knownToModel().contains(u.itemId()))) {
        updated++;
      }
    }
    Upserted result = new Upserted(c.items().size() - updated, updated);
    Set<String> changed = new LinkedHashSet<>();
    for (ItemUpsert u : c.items()) {
      changed.add(u.itemId());
    }
    return Effect()
        .persist(new ItemsUpserted(List.copyOf(c.items()), clock.millis()))
        .thenRun(s -> publish(s, changed))
        .thenReply(c.replyTo(), s -> StatusReply.success(result));
  }

  private ReplyEffect<Event, State> onDelete(State state, Delete c) {
    boolean known = c.knownToModel() || state.items().containsKey(c.itemId());
    if (!known) {
      return Effect().reply(c.replyTo(), StatusReply.success(false));
    }
    return Effect()
        .persist(new ItemDeleted(c.itemId(), clock.millis()))
        .thenRun(s -> publish(s, List.of(c.itemId())))
        .thenReply(c.replyTo(), s -> StatusReply.success(known));
  }

  private static Texts texts(State state, List<String> ids) {
    List<ItemText> out = new ArrayList<>();
    for (String id : ids.subList(0, Math.min(ids.size(), TEXT_BATCH))) {
      ItemState s = state.items().get(id);
      if (s != null) {
        out.add(
            new ItemText(
                id,
                s.title(),
                s.description(),
                s.category(),
                !s.deleted() && s.inStock(),
                textHash(s.title(), s.description()),
                s.deleted()));
      }
    }
    return new Texts(List.copyOf(out));
  }

  private void publish(State state, Collection<String> itemIds) {
    List<Availability> changed = new ArrayList<>(itemIds.size());
    for (String id : itemIds) {
      changed.add(Availability.of(id, state.items().get(id)));
    }
    for (AvailabilityChanged m : deltas(changed, lastSequenceNumber(ctx))) {
      publisher.tell(new CataloguePublisher.Publish(m));
    }
  }
}
