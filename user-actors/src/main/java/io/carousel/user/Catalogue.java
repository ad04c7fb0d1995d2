package io.carousel.user;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.pubsub.Topic;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The shop's catalogue updates: one event-sourced entity for the whole cluster (sharded, entity id
 * {@code catalogue}), fed by {@code PUT /v1/items} and {@code DELETE /v1/items/{id}}. After every
 * change it publishes the full item state on the {@code catalogue} topic, which each node's {@link
 * CatalogueView} applies to its {@link ItemAvailability}, so an item marked out of stock or deleted
 * is gone from the very next slate on every node. Items the model was not trained on are kept here
 * and become recommendable after the next training.
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

  /** Upserts items; replies with how many were known before. */
  public record Upsert(List<ItemUpsert> items, ActorRef<StatusReply<Upserted>> replyTo)
      implements Command {}

  /**
   * Marks an item deleted; replies false (and persists nothing) when the item is neither in the
   * model ({@code knownToModel}) nor in the catalogue, so unknown ids cannot grow the state.
   */
  public record Delete(String itemId, boolean knownToModel, ActorRef<StatusReply<Boolean>> replyTo)
      implements Command {}

  /** Asks for every item's state. */
  public record GetAll(ActorRef<Changed> replyTo) implements Command {}

  /** Reply to {@link Upsert}. */
  public record Upserted(int created, int updated) implements CborSerializable {}

  /** The full state, as published and as replied to {@link GetAll}. */
  public record Changed(Map<String, ItemState> items) implements CborSerializable {}

  /** Events. */
  public sealed interface Event extends CborSerializable {}

  /** Items were upserted at {@code timeMs}. */
  public record ItemsUpserted(List<ItemUpsert> items, long timeMs) implements Event {}

  /** An item was deleted at {@code timeMs}. */
  public record ItemDeleted(String itemId, long timeMs) implements Event {}

  /** State: items by id (copy-on-write). */
  public record State(Map<String, ItemState> items) implements CborSerializable {
    State apply(ItemsUpserted e) {
      Map<String, ItemState> next = new HashMap<>(items);
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
      return new State(Map.copyOf(next));
    }

    State apply(ItemDeleted e) {
      Map<String, ItemState> next = new HashMap<>(items);
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
      return new State(Map.copyOf(next));
    }
  }

  /** Starts sharding of the catalogue entity on this node. */
  public static void initSharding(ActorSystem<?> system, Clock clock) {
    ClusterSharding.get(system)
        .init(Entity.of(TYPE_KEY, ctx -> Behaviors.setup(c -> new Catalogue(c, clock))));
  }

  /** Returns a reference to the one catalogue entity. */
  public static EntityRef<Command> ref(ActorSystem<?> system) {
    return ClusterSharding.get(system).entityRefFor(TYPE_KEY, ENTITY_ID);
  }

  private final ActorRef<Topic.Command<Changed>> topic;
  private final Clock clock;

  private Catalogue(ActorContext<Command> ctx, Clock clock) {
    super(
        PersistenceId.of(TYPE_KEY.name(), ENTITY_ID),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.topic = ctx.spawn(Topic.create(Changed.class, TOPIC), "topic");
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
        .onCommand(GetAll.class, (s, c) -> Effect().reply(c.replyTo(), new Changed(s.items())))
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
      if (!seen.add(u.itemId()) || state.items().containsKey(u.itemId())) {
        updated++;
      }
    }
    Upserted result = new Upserted(c.items().size() - updated, updated);
    return Effect()
        .persist(new ItemsUpserted(List.copyOf(c.items()), clock.millis()))
        .thenRun(this::publish)
        .thenReply(c.replyTo(), s -> StatusReply.success(result));
  }

  private ReplyEffect<Event, State> onDelete(State state, Delete c) {
    boolean known = c.knownToModel() || state.items().containsKey(c.itemId());
    if (!known) {
      return Effect().reply(c.replyTo(), StatusReply.success(false));
    }
    return Effect()
        .persist(new ItemDeleted(c.itemId(), clock.millis()))
        .thenRun(this::publish)
        .thenReply(c.replyTo(), s -> StatusReply.success(known));
  }

  private void publish(State state) {
    topic.tell(Topic.publish(new Changed(state.items())));
  }
}
