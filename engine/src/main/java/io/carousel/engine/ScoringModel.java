package io.carousel.engine;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import akka.pattern.StatusReply;
import io.carousel.engine.retrieval.TopN;
import io.carousel.engine.tower.TwoTowerScorer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;

/**
 * Scores histories against the whole catalogue with the two-tower model, micro-batching concurrent
 * requests into one session run. In the flow it sits between {@code UserProfile} (which asks with
 * the user's recent items) and the policy that re-ranks the candidates.
 *
 * <p>Retrieval is exact and never materialises a {@code B × numItems} score matrix: the batch's
 * session vectors come from one TensorFlow call, then {@link TwoTowerScorer#topN} scans the item
 * matrix in chunks with a running top-k per request (see {@link
 * io.carousel.engine.retrieval.ExactTopK}). When the model folder ships the wide co-visitation
 * part, the scores are the wide-and-deep sum that {@code carousel evaluate} measures ({@link
 * io.carousel.engine.wide.WideAndDeep}): tower logit plus weighted co-occurrence and transition
 * terms of the whole requested history, exact through the tower top-k ∪ wide-candidates rescoring.
 *
 * <p>A batch runs when it holds {@link ScoringSettings#maxBatchSize()} requests or {@link
 * ScoringSettings#flushDelay()} after its first request, whichever comes first. The session run
 * blocks the actor's thread, so spawn it on {@link ScoringSettings#DISPATCHER}; requests that
 * arrive meanwhile wait in the mailbox and form the next batch. Node-local and stateless apart from
 * the buffer: nothing is persisted, messages are never serialised. Registers itself under {@link
 * #KEY} with the Receptionist.
 */
public final class ScoringModel extends AbstractBehavior<ScoringModel.Command> {
  /** Receptionist key under which every ScoringModel actor registers. */
  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "scoring-model");

  /** The protocol. */
  public sealed interface Command {}

  /**
   * Asks for the {@code topN} best items after {@code history}.
   *
   * @param history item indices, most recent last, any length (the model reads the last N)
   * @param topN number of items wanted, at least 0
   * @param exclude items never to return (e.g. already seen), may be null; runs on the actor
   * @param replyTo gets {@link Scores}, or an error if the request is invalid or scoring failed
   * @param done run once on the actor's thread after the request was answered, whatever the answer
   *     (the requester's hold on the scorer: a hot swap closes the old scorer only when every
   *     request holding it is done, ADR 0014), may be null
   */
  public record Score(
      int[] history,
      int topN,
      IntPredicate exclude,
      ActorRef<StatusReply<Scores>> replyTo,
      long sentNanos,
      Runnable done)
      implements Command {
    /** A request without a completion callback. */
    public Score(
        int[] history,
        int topN,
        IntPredicate exclude,
        ActorRef<StatusReply<Scores>> replyTo,
        long sentNanos) {
      this(history, topN, exclude, replyTo, sentNanos, null);
    }

    /** A request sent now, {@code done} run once it was answered. */
    public Score(
        int[] history,
        int topN,
        IntPredicate exclude,
        ActorRef<StatusReply<Scores>> replyTo,
        Runnable done) {
      this(history, topN, exclude, replyTo, System.nanoTime(), done);
    }

    /** A request sent now ({@code sentNanos} = {@link System#nanoTime()}, for shedding). */
    public Score(
        int[] history, int topN, IntPredicate exclude, ActorRef<StatusReply<Scores>> replyTo) {
      this(history, topN, exclude, replyTo, System.nanoTime(), null);
    }

    /** Answers the requester, then runs {@link #done}. */
    void answer(StatusReply<Scores> reply) {
      try {
        replyTo.tell(reply);
      } finally {
        if (done != null) {
          done.run();
        }
      }
    }
  }

  /**
   * The error text of a shed request (it waited past {@link ScoringSettings#maxQueueDelay()}); the
   * HTTP layer answers it 503 with {@code Retry-After}.
   */
  public static final String OVERLOADED = "overloaded: scoring queue full, retry";

  /**
   * The answer to {@link Score}.
   *
   * @param items item indices, descending score, ties by lower index, excluded items removed
   * @param scores their model scores (tower logits plus the wide terms when the model has them),
   *     same order
   */
  public record Scores(int[] items, float[] scores) {}

  private enum Flush implements Command {
    INSTANCE
  }

  /**
   * Stops the actor after answering what it holds (a hot swap retires the pool of the previous
   * model, ADR 0014; a pool router broadcasts it to every routee with {@link #BROADCAST}).
   */
  public enum Retire implements Command {
    INSTANCE
  }

  /** The pool router's broadcast predicate: {@link Retire} goes to every routee. */
  public static final java.util.function.Predicate<Command> BROADCAST = c -> c == Retire.INSTANCE;

  private final TimerScheduler<Command> timers;
  private final TwoTowerScorer scorer;
  private final ScoringSettings settings;
  private final IntConsumer onFlush;
  private final Runnable onShed;
  private final List<Score> buffer;
  private final LiveItems live;

  private ScoringModel(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      TwoTowerScorer scorer,
      ScoringSettings settings,
      IntConsumer onFlush,
      Runnable onShed,
      LiveItems live) {
    super(context);
    this.onShed = onShed;
    this.live = live;
    this.timers = timers;
    this.scorer = scorer;
    this.settings = settings;
    this.onFlush = onFlush;
    this.buffer = new ArrayList<>(settings.maxBatchSize());
  }

  /** Returns the behaviour; the actor does not own {@code scorer} and never closes it. */
  public static Behavior<Command> create(TwoTowerScorer scorer, ScoringSettings settings) {
    return create(scorer, settings, null);
  }

  /**
   * Returns the behaviour with a metrics callback that gets the size of every batch run, on the
   * actor's thread.
   *
   * @param onFlush called with each batch size (requests), may be null
   */
  public static Behavior<Command> create(
      TwoTowerScorer scorer, ScoringSettings settings, IntConsumer onFlush) {
    return create(scorer, settings, onFlush, null);
  }

  /**
   * As above, also retrieving the node's live items ({@link LiveItems}: added through the API after
   * training, vectors from text), merged with the trained ones by {@link LiveItems#merge}.
   *
   * @param live the node's live items, may be null
   */
  public static Behavior<Command> create(
      TwoTowerScorer scorer, ScoringSettings settings, IntConsumer onFlush, LiveItems live) {
    return create(scorer, settings, onFlush, null, live);
  }

  /**
   * As above, with a callback run (on the actor's thread) for every request shed because it waited
   * past {@link ScoringSettings#maxQueueDelay()}.
   *
   * @param onShed may be null
   */
  public static Behavior<Command> create(
      TwoTowerScorer scorer,
      ScoringSettings settings,
      IntConsumer onFlush,
      Runnable onShed,
      LiveItems live) {
    return Behaviors.setup(
        context -> {
          context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
          return Behaviors.withTimers(
              timers -> new ScoringModel(context, timers, scorer, settings, onFlush, onShed, live));
        });
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Score.class, this::onScore)
        .onMessageEquals(Flush.INSTANCE, this::onFlush)
        .onMessageEquals(Retire.INSTANCE, this::onRetire)
        .build();
  }

  private Behavior<Command> onRetire() {
    runBatch();
    return Behaviors.stopped();
  }

  private Behavior<Command> onScore(Score request) {
    String invalid = validate(request);
    if (invalid != null) {
      request.answer(StatusReply.error(invalid));
      return this;
    }
    long maxWait = settings.maxQueueDelay().toNanos();
    if (maxWait > 0 && System.nanoTime() - request.sentNanos() > maxWait) {
      // Queued behind batches for longer than the bound: past capacity. Answering now keeps the
      // queue (and every later request's wait) bounded; scoring it would only add to the tail.
      if (onShed != null) {
        onShed.run();
      }
      request.answer(StatusReply.error(OVERLOADED));
      return this;
    }
    buffer.add(request);
    if (buffer.size() >= settings.maxBatchSize()) {
      runBatch();
    } else if (buffer.size() == 1) {
      timers.startSingleTimer(Flush.INSTANCE, Flush.INSTANCE, settings.flushDelay());
    }
    return this;
  }

  private Behavior<Command> onFlush() {
    runBatch();
    return this;
  }

  private String validate(Score request) {
    if (request.history() == null) {
      return "history must not be null";
    }
    if (request.topN() < 0) {
      return "topN must be >= 0: " + request.topN();
    }
    for (int item : request.history()) {
      if (item < 0 || item >= scorer.numItems()) {
        return "item index " + item + " outside [0, " + scorer.numItems() + ")";
      }
    }
    return null;
  }

  private void runBatch() {
    timers.cancel(Flush.INSTANCE);
    if (buffer.isEmpty()) {
      return;
    }
    List<Score> batch = List.copyOf(buffer);
    buffer.clear();
    if (onFlush != null) {
      onFlush.accept(batch.size());
    }
    int b = batch.size();
    int[][] histories = new int[b][];
    int[] k = new int[b];
    GuardedExclude[] excludes = new GuardedExclude[b];
    for (int i = 0; i < b; i++) {
      Score request = batch.get(i);
      histories[i] = request.history();
      k[i] = request.topN();
      excludes[i] = new GuardedExclude(request.exclude());
    }
    TopN[] tops;
    try {
      LiveItems.Snapshot extra = live == null ? null : live.snapshot();
      if (extra == null || extra.size() == 0) {
        tops = scorer.topN(histories, k, excludes);
      } else {
        float[][] sessions = scorer.sessionVectors(histories);
        tops = scorer.ranking().topN(sessions, histories, k, excludes);
        for (int i = 0; i < b; i++) {
          tops[i] =
              LiveItems.merge(tops[i], sessions[i], scorer.logitScale(), k[i], excludes[i], extra);
        }
      }
    } catch (RuntimeException e) {
      getContext().getLog().warn("scoring a batch of {} failed", b, e);
      for (Score request : batch) {
        request.answer(StatusReply.error("scoring failed: " + e.getMessage()));
      }
      return;
    }
    for (int i = 0; i < b; i++) {
      Score request = batch.get(i);
      if (excludes[i].failure != null) {
        // The exclude predicate is the requester's code: its failure is the requester's answer.
        request.answer(StatusReply.error("exclude predicate failed: " + excludes[i].failure));
      } else {
        request.answer(StatusReply.success(new Scores(tops[i].items(), tops[i].scores())));
      }
    }
  }

  /**
   * A requester's exclude predicate that cannot fail the batch: its first exception is kept and
   * every later item counts as excluded, so only that request gets an error.
   */
  private static final class GuardedExclude implements IntPredicate {
    private final IntPredicate delegate;
    private RuntimeException failure;

    GuardedExclude(IntPredicate delegate) {
      this.delegate = delegate;
    }

    @Override
    public boolean test(int item) {
      if (delegate == null) {
        return false;
      }
      if (failure != null) {
        return true;
      }
      try {
        return delegate.test(item);
      } catch (RuntimeException e) {
        failure = e;
        return true;
      }
    }
  }
}
