package io.carousel.user;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.pattern.StatusReply;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import io.carousel.engine.ScoringModel;
import io.carousel.policy.EventType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One shopper: a sharded, event-sourced actor (entity id = user id).
 *
 * <p>Place in the flow: {@code http-api} sends {@link RecordInteraction} and {@link Recommend};
 * this actor persists {@link InteractionRecorded} (and {@link RewardObserved} when the item was in
 * the pending slate) <em>before</em> acknowledging, updates the session embedding and its own
 * bandit statistics in its event handler ({@link #applyEvent}), then feeds the node-wide trend
 * popularities, pooled prior and new-item statistics ({@link NodeLearning}); it asks the node-local
 * {@link ScoringModel} for candidates, lets the slate policy choose from contexts with the node's
 * trends and its posterior centred on the pool ({@link SlateAssembler}), persists {@link
 * SlateServed} with the features and propensities, and pushes each new slate of its own to the
 * WebSocket subscribers that asked for that size ({@link Subscriptions}; a slate asked for with
 * {@link Recommend} goes to its requester only).
 *
 * <p>The class reads as two tables, as the Akka guide's {@code ShoppingCart} does: the command
 * table ({@link #onCommand}, one line per command to its handler) and the event table ({@link
 * #applyEvent}, one line per event to a {@link UserState} method).
 *
 * <p>Persistence: events in the configured journal (embedded H2 or Cassandra), Jackson CBOR; a
 * snapshot every {@code snapshot-every} events, two kept. Subscribers are not persisted. A repeated
 * event id within the idempotency retention ({@link EventIdLog}) is acknowledged and ignored. A
 * slate is logged only for a known shopper ({@link #logs}); a slot's reward is learned once, with
 * its strongest value, when the next slate closes its slate; a stored history this build cannot
 * read is handled by {@link UnreadableHistory}.
 */
public final class UserProfile
    extends EventSourcedBehaviorWithEnforcedReplies<
        UserProfile.Command, UserProfile.Event, UserState> {

  /** The sharding entity type of all user profiles. */
  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "UserProfile");

  /**
   * Start of the error every command of a user gets while the user's stored history cannot be read
   * (a journal row or snapshot this build cannot deserialize); {@code DELETE} still works.
   */
  public static final String UNREADABLE_HISTORY = UnreadableHistory.PREFIX;

  /**
   * Why a slate was made; its {@link #wireName} is the {@code trigger} of {@link SlateReply} and
   * {@link SlateServed} (journal and wire) and the metrics' {@code trigger} tag.
   */
  public enum Trigger {
    /** Asked for with {@link Recommend} (an HTTP GET). */
    REQUEST("request"),
    /** Pushed because the user's own event changed it. */
    EVENT("event"),
    /** The first slate pushed to a new subscriber. */
    SUBSCRIBE("subscribe");

    private final String wireName;

    Trigger(String wireName) {
      this.wireName = wireName;
    }

    /** Returns the name slates and metrics carry. */
    public String wireName() {
      return wireName;
    }
  }

  /** Returns every {@code trigger} a user profile marks its slates with. */
  public static List<String> triggers() {
    return java.util.Arrays.stream(Trigger.values()).map(Trigger::wireName).toList();
  }

  // ---- protocol ------------------------------------------------------------------------------

  /** Commands a user profile accepts. */
  public sealed interface Command extends CborSerializable {}

  /**
   * Records one interaction; replies once it is durable.
   *
   * @param eventId the shop's idempotency key
   * @param itemId the item
   * @param type the interaction kind
   * @param eventTimeMs event time, epoch ms
   * @param slateId the slate the interaction came from, or null
   */
  public record RecordInteraction(
      String eventId,
      String itemId,
      EventType type,
      long eventTimeMs,
      String slateId,
      ActorRef<StatusReply<Recorded>> replyTo)
      implements Command {}

  /**
   * Asks for a fresh slate of {@code k} items, never containing {@code exclude}d ids. {@code
   * context} is the item the shopper is looking at (or null): it joins the history for this slate
   * only, so even a new shopper gets a slate related to what is on screen; a new shopper without
   * context gets the most popular available items.
   */
  public record Recommend(
      int k, List<String> exclude, String context, ActorRef<StatusReply<SlateReply>> replyTo)
      implements Command {}

  /**
   * Records several interactions of this user at once (an NDJSON batch's lines of this user, in
   * line order), persisted together; replies once all are durable with one {@link Recorded} per
   * interaction, in order. A repeated event id, also within the batch, is a duplicate.
   */
  public record RecordInteractions(
      List<Interaction> interactions, ActorRef<StatusReply<BatchRecorded>> replyTo)
      implements Command {}

  /** One interaction of {@link RecordInteractions}; fields as in {@link RecordInteraction}. */
  public record Interaction(
      String eventId, String itemId, EventType type, long eventTimeMs, String slateId)
      implements CborSerializable {}

  /** Reply to {@link RecordInteractions}: one result per interaction, in order. */
  public record BatchRecorded(List<Recorded> results) implements CborSerializable {}

  /**
   * Asks for the profile summary; answered with an error when the user's stored history cannot be
   * read ({@link UnreadableHistory}).
   */
  public record GetSummary(ActorRef<StatusReply<ProfileSummary>> replyTo) implements Command {}

  /**
   * Subscribes to this user's event-triggered slates of {@code k} items (a slate is sent right
   * away); repeating an existing subscription with the same {@code k} is idempotent and sends
   * nothing. Beyond {@code max-subscribers} per user the subscriber gets a {@link StreamClosed}
   * instead. Handled outside the persistence stash ({@link Subscriptions}).
   */
  public record Subscribe(ActorRef<StreamMessage> subscriber, int k) implements Command {}

  /** What a subscriber receives: slates, then possibly one {@link StreamClosed}, and no more. */
  public sealed interface StreamMessage extends CborSerializable permits SlateReply, StreamClosed {}

  /**
   * The subscription ended: {@code code} {@code too-many-subscribers} (refused) or {@code
   * user-forgotten}; {@code reason} is for people.
   */
  public record StreamClosed(String code, String reason) implements StreamMessage {}

  /** The {@code code} of the message closing every stream of a user who is being forgotten. */
  public static final String CLOSED_FORGOTTEN = "user-forgotten";

  /** The first slate of a new subscription (sent by {@link Subscriptions}, which admitted it). */
  record SubscribeSlate(ActorRef<StreamMessage> subscriber, int k) implements Command {}

  /**
   * Forgets the user: persists {@link UserForgotten} (state back to empty), then physically deletes
   * every earlier event and snapshot; replies once the stores confirm. Every subscriber's stream is
   * closed at once ({@link StreamClosed} {@code user-forgotten}) and slates still being computed
   * from the old history are dropped, so nothing derived from it is pushed afterwards.
   */
  public record Forget(ActorRef<StatusReply<Done>> replyTo) implements Command {}

  private record ForgetCompleted(ActorRef<StatusReply<Done>> replyTo, Throwable failure)
      implements Command {}

  /** The unreadable history of a user was erased (or not: {@code failure}). */
  record ErasedUnreadable(ActorRef<StatusReply<Done>> replyTo, Throwable failure)
      implements Command {}

  /** Ends a subscription. */
  public record Unsubscribe(ActorRef<StreamMessage> subscriber) implements Command {}

  record SubscriberTerminated(ActorRef<StreamMessage> subscriber) implements Command {}

  /**
   * Sharding's stop message (passivation, rebalance): the actor stops once the commands before it
   * are handled. Naming a stop message of our own spares every user actor the PoisonPill
   * interceptor sharding otherwise wraps it in (about 90 B per actor).
   */
  public enum Passivate implements Command {
    INSTANCE
  }

  /**
   * What a slate being computed was asked for, from the scoring ask to its answer: {@code k} items
   * for {@code replyTo} (a requested slate), {@code pushTo} (a subscription's first slate) or the
   * subscribers of size {@code k} (an event's slate), under the {@link #generation} it was asked
   * in.
   */
  private record SlateRequest(
      int k,
      Trigger trigger,
      ActorRef<StatusReply<SlateReply>> replyTo,
      ActorRef<StreamMessage> pushTo,
      int generation,
      long startNanos,
      ProfileDependencies model) {}

  /**
   * The candidates of {@code request} were scored; {@code viewing}: the slate is for a shopper
   * looking at a context item; {@code excluded}: catalogue indices never to serve.
   */
  private record ScoresReady(
      SlateRequest request, ScoringModel.Scores scores, boolean viewing, java.util.BitSet excluded)
      implements Command {}

  /** Scoring the candidates of {@code request} failed (timeout, shed, model error). */
  private record ScoringFailed(SlateRequest request, Throwable failure) implements Command {}

  /** Reply to {@link RecordInteraction}: {@code duplicate} when the event id was already seen. */
  public record Recorded(String eventId, boolean duplicate, long eventCount)
      implements CborSerializable {}

  /** One slot of a slate. */
  public record SlateItem(String itemId, double score, double propensity, String reason)
      implements CborSerializable {}

  /**
   * A slate as served and pushed; {@code slateId} is null when the slate was not logged (a shopper
   * never seen: no interaction can be attributed to it).
   */
  public record SlateReply(
      String userId,
      String slateId,
      List<SlateItem> items,
      String policy,
      String modelVersion,
      long servedAtMs,
      String trigger)
      implements StreamMessage {

    /** Returns whether this slate was logged as {@link SlateServed} (it has a slate id). */
    public boolean logged() {
      return slateId != null;
    }

    /** Returns this slate without its slate id: served, but not logged. */
    SlateReply unlogged() {
      return new SlateReply(userId, null, items, policy, modelVersion, servedAtMs, trigger);
    }
  }

  // ---- events --------------------------------------------------------------------------------

  /** Persisted facts. Each carries what replay needs. */
  public sealed interface Event extends CborSerializable {}

  /**
   * The shopper interacted with an item.
   *
   * @param recordedAtMs when the user actor accepted it, epoch ms (its arrival, which the
   *     idempotency retention counts from); 0 on events written before it was stored
   */
  public record InteractionRecorded(
      String eventId,
      String itemId,
      EventType type,
      long eventTimeMs,
      String slateId,
      long recordedAtMs)
      implements Event {

    /** Returns the arrival time, epoch ms: the event time for events older than the field. */
    public long arrivalMs() {
      return recordedAtMs > 0 ? recordedAtMs : eventTimeMs;
    }
  }

  /**
   * A slate was served.
   *
   * @param propensities per slot, as reported by the policy
   * @param estimates per slot, the posterior mean reward when served
   * @param features {@code float[slots][k]} context of each slot's item
   */
  public record SlateServed(
      String slateId,
      List<String> itemIds,
      double[] propensities,
      double[] estimates,
      float[][] features,
      String policyId,
      List<String> reasons,
      long timeMs,
      String trigger,
      String modelVersion)
      implements Event {

    /** Returns this slate as served to {@code userId}. */
    public SlateReply toReply(String userId) {
      List<SlateItem> items = new ArrayList<>(itemIds.size());
      for (int j = 0; j < itemIds.size(); j++) {
        items.add(new SlateItem(itemIds.get(j), estimates[j], propensities[j], reasons.get(j)));
      }
      return new SlateReply(userId, slateId, items, policyId, modelVersion, timeMs, trigger);
    }
  }

  /** The user asked to be forgotten; everything before this event is deleted. */
  public record UserForgotten(long timeMs) implements Event {}

  /** A served item got a reward; {@code features} are its context when served. */
  public record RewardObserved(String slateId, String itemId, double reward, float[] features)
      implements Event {}

  // ---- behaviour -----------------------------------------------------------------------------

  /**
   * Starts sharding of user profiles on this node.
   *
   * @return the shard region to send {@code ShardingEnvelope}s or entity refs to
   */
  public static ActorRef<akka.cluster.sharding.typed.ShardingEnvelope<Command>> initSharding(
      ActorSystem<?> system, ProfileDependencies deps) {
    return ClusterSharding.get(system)
        .init(
            Entity.of(TYPE_KEY, ctx -> create(ctx.getEntityId(), deps, ctx.getShard()))
                .withStopMessage(Passivate.INSTANCE));
  }

  /**
   * Returns the persistence id of user {@code userId}: {@code "UserProfile|" + userId}, built by
   * hand because {@link PersistenceId#of(String, String)} refuses an entity id containing {@code |}
   * (the actor would fail to start and every request for that user would time out).
   */
  public static PersistenceId persistenceIdOf(String userId) {
    return PersistenceId.ofUniqueId(TYPE_KEY.name() + "|" + userId);
  }

  /** Returns the behaviour of user {@code userId}, outside sharding. */
  public static Behavior<Command> create(String userId, ProfileDependencies deps) {
    return create(userId, deps, null);
  }

  /**
   * Returns the behaviour of user {@code userId}: the event-sourced profile, guarded against a
   * stored history it cannot read ({@link UnreadableHistory}), under a backoff restart for journal
   * failures (an outage: the persist or recovery is retried).
   *
   * @param shard the entity's shard, to passivate through after an unreadable history was erased;
   *     null outside sharding
   */
  static Behavior<Command> create(
      String userId, ProfileDependencies deps, ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(
        ctx -> {
          deps.metrics().userStarted();
          UnreadableHistory.Guard[] guard = new UnreadableHistory.Guard[1];
          guard[0] =
              new UnreadableHistory.Guard(
                  userId,
                  deps,
                  shard,
                  () -> {
                    UserProfile profile = new UserProfile(ctx, userId, deps, guard[0]);
                    // Subscription commands never enter the persistence stash (see Subscriptions).
                    return Behaviors.intercept(() -> profile.subscribers, profile);
                  });
          Behavior<Object> guarded = Behaviors.intercept(() -> guard[0], widen(guard[0].restart()));
          @SuppressWarnings("unchecked")
          Behavior<Command> narrowed = (Behavior<Command>) (Behavior<?>) guarded;
          return Behaviors.supervise(narrowed)
              .onFailure(
                  akka.persistence.typed.internal.JournalFailureException.class, SUPERVISION);
        });
  }

  @SuppressWarnings("unchecked")
  private static Behavior<Object> widen(Behavior<Command> b) {
    return (Behavior<Object>) (Behavior<?>) b;
  }

  /** Shared by every user actor: one object, not one per shopper (memory per user matters). */
  private static final akka.actor.typed.BackoffSupervisorStrategy SUPERVISION =
      SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1);

  private final ActorContext<Command> ctx;
  private final String userId;
  private final ProfileDependencies deps;
  private final String policyId;

  /**
   * The model version the stored state's session vector belongs to: after a hot swap it is rebuilt
   * from the recent item ids under the new view (ADR 0014), in memory only (no journal change).
   */
  private String sessionVersion;

  private final Subscriptions subscribers;
  private final UnreadableHistory.Guard guard;

  /**
   * Bumped by every {@link Forget}: a slate asked for under an older generation ({@link
   * SlateRequest}) was scored from the forgotten history and is dropped. In memory only (nothing is
   * in flight after a restart).
   */
  private int generation;

  /**
   * True from a {@link Forget} until its {@link ForgetCompleted}: commands that read or write the
   * history wait in the stash meanwhile, so that nothing is persisted between the {@link
   * UserForgotten} and the purge of every row up to it (a purge of the journal's bookkeeping rows
   * must not race a new event) and no answer is computed from a half-deleted history.
   */
  private boolean forgetting;

  private UserProfile(
      ActorContext<Command> ctx,
      String userId,
      ProfileDependencies deps,
      UnreadableHistory.Guard guard) {
    // No onPersistFailure here: the backoff supervisor is outside the guard (see create), so a
    // recovery failure reaches the guard first.
    super(persistenceIdOf(userId));
    this.guard = guard;
    this.ctx = ctx;
    this.userId = userId;
    this.deps = deps;
    this.policyId = deps.assemblerFor(userId).policy().id();
    this.sessionVersion = deps.models().currentFor(userId).version();
    this.subscribers = new Subscriptions(deps.metrics(), deps.settings().maxSubscribers());
  }

  @Override
  public UserState emptyState() {
    return deps.emptyState();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return deps.retention();
  }

  /** Tag of every {@link InteractionRecorded}: retraining reads them by tag (ADR 0012). */
  public static final String INTERACTION_TAG = "interaction";

  private static final java.util.Set<String> INTERACTION_TAGS = java.util.Set.of(INTERACTION_TAG);

  @Override
  public java.util.Set<String> tagsFor(Event event) {
    return event instanceof InteractionRecorded ? INTERACTION_TAGS : java.util.Set.of();
  }

  // ---- the command table ---------------------------------------------------------------------

  @Override
  public CommandHandlerWithReply<Command, Event, UserState> commandHandler() {
    // One method reference instead of a handler builder: the builder keeps ~10 objects (~0.3 KB)
    // per user actor; this keeps one.
    return this::onCommand;
  }

  /** The command table: one line per command, to its handler below. */
  private ReplyEffect<Event, UserState> onCommand(UserState s, Command c) {
    if (forgetting && waitsForForget(c)) return Effect().stash();
    if (c instanceof RecordInteraction r) return onRecordInteraction(s, r);
    if (c instanceof RecordInteractions r) return onRecordInteractions(s, r);
    if (c instanceof Recommend r) return onRecommend(s, r);
    if (c instanceof ScoresReady r) return onScoresReady(s, r);
    if (c instanceof ScoringFailed r) return onScoringFailed(r);
    if (c instanceof GetSummary r) return onGetSummary(s, r);
    if (c instanceof Subscribe r) return onSubscribe(r);
    if (c instanceof SubscribeSlate r) return onSubscribeSlate(s, r);
    if (c instanceof Unsubscribe r) return onUnsubscribe(r.subscriber());
    if (c instanceof SubscriberTerminated r) return onUnsubscribe(r.subscriber());
    if (c instanceof Forget r) return onForget(r);
    if (c instanceof ForgetCompleted r) return onForgetCompleted(r);
    if (c instanceof ErasedUnreadable) return Effect().noReply(); // for UnreadableHistory only
    if (c == Passivate.INSTANCE) return Effect().stop().thenNoReply();
    throw new IllegalStateException("unhandled command " + c.getClass().getName());
  }

  /** Commands that wait in the stash while a forget is under way (see {@link #forgetting}). */
  private static boolean waitsForForget(Command c) {
    return c instanceof RecordInteraction
        || c instanceof RecordInteractions
        || c instanceof Recommend
        || c instanceof GetSummary
        || c instanceof Forget
        || c instanceof SubscribeSlate
        || c == Passivate.INSTANCE;
  }

  // ---- the event table -----------------------------------------------------------------------

  @Override
  public EventHandler<UserState, Event> eventHandler() {
    // One lambda instead of a handler builder (fewer objects per user actor).
    return (state, e) -> {
      // One model for the whole event: a swap between two reads would mix two vector spaces.
      ProfileDependencies now = deps.pinned(deps.models().currentFor(userId));
      return applyEvent(followSwap(state, now), e, now);
    };
  }

  /**
   * Returns the stored state with its session vector in the current model's space: rebuilt once
   * after a hot swap, before the first event applied under the new model.
   */
  private UserState followSwap(UserState state, ProfileDependencies now) {
    ModelView model = now.model();
    if (model.modelVersion().equals(sessionVersion)) {
      return state;
    }
    sessionVersion = model.modelVersion();
    return state.withSessionRebuilt(model, deps.settings());
  }

  /**
   * Returns {@code state} with its session vector in the space of {@code pinned}'s model, for one
   * slate (not stored): slates served after a swap and before the user's next event use the rebuilt
   * vector, and a slate still scoring with the old model uses the old one.
   */
  private UserState inSpaceOf(UserState state, ProfileDependencies pinned) {
    ModelView model = pinned.model();
    return model.modelVersion().equals(sessionVersion)
        ? state
        : state.withSessionRebuilt(model, deps.settings());
  }

  /**
   * The event table: how each persisted event changes a {@link UserState}, one line per event, the
   * same during recovery and live (and when {@link InteractionBatch} folds a batch forward before
   * persisting it). Pure apart from reading the node's shared, read-only model view; it never feeds
   * the node-wide {@link NodeLearning}, which only live commands do, so a recovery never counts an
   * interaction or impression twice.
   *
   * @throws IllegalStateException for an unknown event type
   */
  static UserState applyEvent(UserState s, Event e, ProfileDependencies deps) {
    ModelView model = deps.model();
    if (e instanceof InteractionRecorded i) return s.onInteraction(i, model, deps.settings());
    if (e instanceof RewardObserved r) return s.onReward(r, deps.bandit());
    if (e instanceof SlateServed served) return s.onSlateServed(served, model, deps.bandit());
    if (e instanceof UserForgotten) return deps.emptyState();
    throw new IllegalStateException("unhandled event " + e.getClass().getName());
  }

  @Override
  public SignalHandler<UserState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            akka.persistence.typed.RecoveryCompleted.instance(),
            state -> {
              if (guard != null) {
                guard.recovered();
              }
            })
        .onSignal(
            PostStop.instance(),
            state -> {
              deps.metrics().userStopped();
              subscribers.clear();
            })
        .build();
  }

  // ---- command handlers ----------------------------------------------------------------------

  private ReplyEffect<Event, UserState> onRecordInteraction(UserState state, RecordInteraction c) {
    var one =
        List.of(new Interaction(c.eventId(), c.itemId(), c.type(), c.eventTimeMs(), c.slateId()));
    InteractionBatch batch = InteractionBatch.plan(state, one, deps.clock().millis(), deps);
    return record(batch).thenReply(c.replyTo(), s -> StatusReply.success(batch.results().get(0)));
  }

  private ReplyEffect<Event, UserState> onRecordInteractions(
      UserState state, RecordInteractions c) {
    InteractionBatch batch =
        InteractionBatch.plan(state, c.interactions(), deps.clock().millis(), deps);
    return record(batch)
        .thenReply(c.replyTo(), s -> StatusReply.success(new BatchRecorded(batch.results())));
  }

  /**
   * Persists the batch's events together (nothing when every interaction is a duplicate), then
   * feeds the node-wide learning from each new interaction and reward and refreshes subscribers.
   */
  private akka.persistence.typed.javadsl.EffectBuilder<Event, UserState> record(
      InteractionBatch batch) {
    if (batch.events().isEmpty()) {
      return Effect().none();
    }
    long start = System.nanoTime();
    return Effect()
        .persist(batch.events())
        .thenRun(s -> deps.learning().recorded(userId, policyId, batch.events(), start))
        .thenRun(this::refreshSubscribers);
  }

  private ReplyEffect<Event, UserState> onRecommend(UserState state, Recommend c) {
    askScores(state, c.k(), c.exclude(), c.context(), Trigger.REQUEST, c.replyTo(), null);
    return Effect().noReply();
  }

  private ReplyEffect<Event, UserState> onGetSummary(UserState state, GetSummary c) {
    return Effect()
        .reply(c.replyTo(), StatusReply.success(state.summary(userId, subscribers.size())));
  }

  private ReplyEffect<Event, UserState> onSubscribe(Subscribe c) {
    subscribers.subscribe(ctx, c.subscriber(), c.k());
    return Effect().noReply();
  }

  /** A newly admitted subscription's first slate, unless it has gone or changed size since. */
  private ReplyEffect<Event, UserState> onSubscribeSlate(UserState state, SubscribeSlate c) {
    if (subscribers.kOf(c.subscriber()) == c.k()) {
      askScores(state, c.k(), List.of(), null, Trigger.SUBSCRIBE, null, c.subscriber());
    }
    return Effect().noReply();
  }

  private ReplyEffect<Event, UserState> onUnsubscribe(ActorRef<StreamMessage> subscriber) {
    subscribers.remove(ctx, subscriber);
    return Effect().noReply();
  }

  /**
   * One slate per distinct subscribed size, each chosen, logged and pushed as a slate of its own (a
   * k = 3 slate is not the top of a k = 40 one, whose logged propensities and impressions would not
   * match what the k = 3 subscriber saw). At most {@code max-subscribers} sizes.
   */
  private void refreshSubscribers(UserState state) {
    for (int k : subscribers.distinctKs()) {
      askScores(state, k, List.of(), null, Trigger.EVENT, null, null);
    }
  }

  /**
   * Asks for scored candidates; the answer comes back as {@link ScoresReady} or {@link
   * ScoringFailed}.
   */
  private void askScores(
      UserState state,
      int k,
      List<String> exclude,
      String context,
      Trigger trigger,
      ActorRef<StatusReply<SlateReply>> replyTo,
      ActorRef<StreamMessage> pushTo) {
    // One model snapshot from the query to the assembled slate; held until the scoring pool has
    // answered, so a hot swap never closes the scorer under this request (ADR 0014).
    ModelHandle.Lease lease = deps.models().acquire(userId);
    ProfileDependencies model = deps.pinned(lease.serving());
    CandidateQuery query;
    try {
      query = CandidateQuery.of(state, exclude, context, model);
    } catch (RuntimeException e) {
      lease.release();
      throw e;
    }
    int topN = Math.max(k, deps.settings().candidates());
    SlateRequest request =
        new SlateRequest(k, trigger, replyTo, pushTo, generation, System.nanoTime(), model);
    if (query.coldStart()) {
      lease.release();
      ScoringModel.Scores popular = query.popular(model.model().popularity(), topN);
      ctx.getSelf().tell(new ScoresReady(request, popular, false, query.excluded()));
      return;
    }
    boolean viewing = context != null;
    ctx.askWithStatus(
        ScoringModel.Scores.class,
        model.scoring(),
        deps.settings().askTimeout(),
        r -> new ScoringModel.Score(query.history(), topN, query.excluded()::get, r, lease),
        (scores, failure) ->
            failure == null
                ? new ScoresReady(request, scores, viewing, query.excluded())
                : new ScoringFailed(request, failure));
  }

  private ReplyEffect<Event, UserState> onScoresReady(UserState state, ScoresReady r) {
    SlateRequest q = r.request();
    if (q.generation() != generation) {
      return forgotten(q);
    }
    deps.metrics().candidatesRetrieved(q.startNanos());
    // Serving this slate closes the previous one's attribution window: each of its slots is
    // learned once, with its strongest reward (0 if none), in the pool as in the state, and this
    // slate is chosen from the posterior that includes them.
    PendingSlate.Closing closing = state.closingObservations();
    ProfileDependencies model = q.model();
    SlateServed served =
        model
            .assemblerFor(userId)
            .assemble(
                userId,
                inSpaceOf(state, model).withPendingClosed(deps.bandit()),
                r.scores(),
                q.k(),
                deps.clock().millis(),
                q.trigger().wireName(),
                r.viewing(),
                r.excluded());
    if (!logs(state)) {
      // A shopper this journal has never seen (a crawler, a first page view): the slate is served
      // but not logged, so a read writes nothing and creates no profile; without a slate id no
      // interaction can earn a reward on it, and OPE never sees it.
      SlateReply unlogged = served.toReply(userId).unlogged();
      model.learning().slateServed(policyId, served);
      push(q, unlogged);
      return reply(q, StatusReply.success(unlogged));
    }
    SlateReply reply = served.toReply(userId);
    long start = System.nanoTime();
    var effect =
        Effect()
            .persist(served)
            .thenRun(s -> model.learning().slateLogged(policyId, served, closing, start))
            .thenRun(s -> push(q, reply));
    return q.replyTo() == null
        ? effect.thenNoReply()
        : effect.thenReply(q.replyTo(), s -> StatusReply.success(reply));
  }

  private ReplyEffect<Event, UserState> onScoringFailed(ScoringFailed r) {
    if (r.request().generation() != generation) {
      return forgotten(r.request());
    }
    String why = String.valueOf(r.failure().getMessage());
    if (why.startsWith(ScoringModel.OVERLOADED)) {
      // Shed past capacity (counted in carousel.scoring.shed): one log line each would flood.
      ctx.getLog().debug("scoring shed for user {}", userId);
    } else {
      ctx.getLog().warn("scoring failed for user {}: {}", userId, why);
    }
    return reply(r.request(), StatusReply.error(r.failure()));
  }

  /** A slate scored from the history a {@link Forget} has since erased: never served or pushed. */
  private ReplyEffect<Event, UserState> forgotten(SlateRequest q) {
    return reply(q, StatusReply.error("the user was just forgotten; retry"));
  }

  /** Answers the requester of a slate, if it has one (pushed slates have none). */
  private ReplyEffect<Event, UserState> reply(SlateRequest q, StatusReply<SlateReply> answer) {
    return q.replyTo() == null ? Effect().noReply() : Effect().reply(q.replyTo(), answer);
  }

  /**
   * Returns whether a slate served from {@code state} is logged as {@link SlateServed}: only for a
   * shopper with at least one recorded interaction or logged slate (never for a user id never seen
   * or forgotten, whose state is empty).
   */
  static boolean logs(UserState state) {
    return state.eventCount() > 0 || state.slatesServed() > 0 || state.pending() != null;
  }

  /**
   * Pushes a slate to the subscribers it was computed for: a subscription's first slate to that
   * subscriber, an event's slate of k items to those subscribed with k; a requested slate (its own
   * {@code exclude} and {@code context}) to nobody but its requester.
   */
  private void push(SlateRequest q, SlateReply reply) {
    if (q.pushTo() != null) {
      if (subscribers.kOf(q.pushTo()) == q.k()) {
        q.pushTo().tell(reply);
      }
    } else if (q.trigger() == Trigger.EVENT) {
      subscribers.pushTo(q.k(), reply);
    }
  }

  private ReplyEffect<Event, UserState> onForget(Forget c) {
    generation++;
    forgetting = true;
    subscribers.closeAll(
        ctx,
        new StreamClosed(
            CLOSED_FORGOTTEN, "the user was forgotten; a new stream starts from an empty profile"));
    return Effect()
        .persist(new UserForgotten(deps.clock().millis()))
        .thenRun(s -> eraseHistory(c.replyTo()))
        .thenNoReply();
  }

  /**
   * Spawns the eraser of every event and snapshot up to the {@link UserForgotten} just persisted;
   * it reports with {@link ForgetCompleted}.
   */
  private void eraseHistory(ActorRef<StatusReply<Done>> replyTo) {
    ctx.spawnAnonymous(
        JournalEraser.create(
            persistenceId().id(),
            lastSequenceNumber(ctx),
            deps.settings().askTimeout().multipliedBy(5),
            deps.purge(),
            ctx.getSelf(),
            failure -> new ForgetCompleted(replyTo, failure)));
  }

  private ReplyEffect<Event, UserState> onForgetCompleted(ForgetCompleted c) {
    forgetting = false;
    if (c.failure() != null) {
      ctx.getLog().error("forgetting user {} failed", userId, c.failure());
      return Effect()
          .reply(c.replyTo(), StatusReply.<Done>error("forgetting failed; retry"))
          .thenUnstashAll();
    }
    if (guard != null && guard.shard() != null) {
      // A fresh incarnation starts the returning user at sequence number 1, as a never-seen user:
      // the Cassandra journal lists a persistence id in all_persistence_ids only when its first
      // event is written, and the purge has just removed it from there. Commands held during the
      // forget are still answered by this incarnation first (the stop message queues behind).
      guard.shard().tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
    }
    return Effect().reply(c.replyTo(), StatusReply.ack()).thenUnstashAll();
  }
}
