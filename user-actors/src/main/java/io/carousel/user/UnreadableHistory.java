package io.carousel.user;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.BehaviorInterceptor;
import akka.actor.typed.PostStop;
import akka.actor.typed.TypedActorContext;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.pattern.StatusReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a user actor does when its stored history cannot be read: a journal row or snapshot that
 * does not deserialize (garbage bytes, an event or snapshot version newer than this build) or whose
 * event the handler refuses. Such a failure is permanent, unlike a journal outage, which keeps the
 * backoff restart of {@link UserProfile}.
 *
 * <p>The {@link Guard} sits between the backoff supervisor and the event-sourced behaviour. When
 * recovery fails for a reason that is not the journal being unreachable, it replaces the profile
 * with the {@link #failed} behaviour, which answers every command at once with an error naming the
 * cause ({@link #PREFIX}: HTTP 500), including the commands that waited for the failed recovery;
 * {@link UserProfile.Forget} still works: it deletes every journal row and snapshot of the user
 * through the journal's own protocol ({@link JournalEraser}, no recovery needed), then passivates,
 * so the next command starts the user fresh. After {@link #RETRY} the next command tries recovery
 * again, so the failure (and its stack trace) is logged once per window, not per request.
 */
final class UnreadableHistory {
  /** Start of every error reply of an unreadable user; the HTTP layer answers it with 500. */
  static final String PREFIX = "unreadable history: ";

  /** How long a user with an unreadable history answers errors before recovery is retried. */
  static final Duration RETRY = Duration.ofSeconds(60);

  /**
   * Commands kept while a recovery runs, answered if it fails (more wait for their ask timeout).
   */
  private static final int MAX_WAITING = 1000;

  private UnreadableHistory() {}

  /**
   * Returns whether a recovery failure is permanent: nothing in its cause chain says the journal
   * was unreachable (SQL, timeouts, circuit breaker, the Cassandra driver).
   */
  static boolean permanent(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String name = t.getClass().getName();
      if (t instanceof java.sql.SQLException
          || t instanceof java.util.concurrent.TimeoutException
          || t instanceof akka.pattern.CircuitBreakerOpenException
          || t instanceof akka.pattern.AskTimeoutException
          || name.startsWith("com.datastax.")) {
        return false;
      }
    }
    return true;
  }

  /** Returns a one-line description of the root cause of {@code failure}. */
  static String describe(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = root.getMessage() == null ? "" : root.getMessage().replaceAll("\\s+", " ");
    if (msg.length() > 200) {
      msg = msg.substring(0, 200) + "…";
    }
    return root.getClass().getSimpleName() + (msg.isEmpty() ? "" : ": " + msg);
  }

  /**
   * Wraps a user's event-sourced behaviour: keeps the commands that arrive before recovery
   * completed, and switches to {@link #failed} when recovery fails permanently. One instance per
   * user actor (about 40 B while no recovery is running).
   */
  static final class Guard extends BehaviorInterceptor<Object, Object> {
    private final String userId;
    private final ProfileDependencies deps;

    /** Returns the entity's shard, to passivate through; null outside sharding. */
    ActorRef<ClusterSharding.ShardCommand> shard() {
      return shard;
    }

    private final ActorRef<ClusterSharding.ShardCommand> shard;
    private final Supplier<Behavior<UserProfile.Command>> profile;
    private List<UserProfile.Command> waiting = new ArrayList<>(1);

    Guard(
        String userId,
        ProfileDependencies deps,
        ActorRef<ClusterSharding.ShardCommand> shard,
        Supplier<Behavior<UserProfile.Command>> profile) {
      super(Object.class);
      this.userId = userId;
      this.deps = deps;
      this.shard = shard;
      this.profile = profile;
    }

    /** Called by the profile once its recovery completed: nothing to keep any more. */
    void recovered() {
      waiting = null;
    }

    /** Returns a fresh profile behaviour, whose recovery this guard watches again. */
    Behavior<UserProfile.Command> restart() {
      waiting = new ArrayList<>(1);
      return profile.get();
    }

    @Override
    public Behavior<Object> aroundStart(
        TypedActorContext<Object> ctx, PreStartTarget<Object> target) {
      // Also on a backoff restart after a journal outage: the new recovery is watched too.
      if (waiting == null) {
        waiting = new ArrayList<>(1);
      }
      return target.start(ctx);
    }

    @Override
    public Behavior<Object> aroundReceive(
        TypedActorContext<Object> ctx, Object msg, ReceiveTarget<Object> target) {
      if (waiting != null && msg instanceof UserProfile.Command c && waiting.size() < MAX_WAITING) {
        waiting.add(c);
      }
      // The event-sourced behaviour's own stop supervisor logs a recovery failure (once) and
      // returns it as a failed behaviour rather than throwing it.
      Behavior<Object> next = target.apply(ctx, msg);
      Throwable failure =
          ((Object) next) instanceof akka.actor.typed.internal.BehaviorImpl.FailedBehavior f
              ? f.cause()
              : null;
      if (failure == null
          || waiting == null
          || !isRecoveryFailure(failure)
          || !permanent(failure)) {
        return next;
      }
      @SuppressWarnings("unchecked")
      ActorContext<UserProfile.Command> typed =
          (ActorContext<UserProfile.Command>) (ActorContext<?>) ctx.asJava();
      String cause = describe(failure);
      typed
          .getLog()
          .warn(
              "user {}: stored history cannot be read ({}); answering errors for {} s,"
                  + " DELETE /v1/users/{} removes it",
              userId,
              cause,
              RETRY.toSeconds(),
              userId);
      List<UserProfile.Command> answer = waiting;
      waiting = new ArrayList<>(1);
      for (UserProfile.Command c : answer) {
        typed.getSelf().tell(c);
      }
      long retryAt = System.nanoTime() + RETRY.toNanos();
      @SuppressWarnings("unchecked")
      Behavior<Object> failed = (Behavior<Object>) (Behavior<?>) failed(this, cause, retryAt);
      return failed;
    }

    private static boolean isRecoveryFailure(Throwable e) {
      // akka.persistence.typed.internal.JournalFailureException: "Exception during recovery ..."
      return e.getClass().getName().endsWith("JournalFailureException")
          && e.getMessage() != null
          && e.getMessage().contains("recovery");
    }
  }

  /**
   * Returns the behaviour of a user whose history cannot be read: every command is answered with an
   * error naming {@code cause}; Forget erases the stored history; after {@code retryAtNanos} the
   * next command tries recovery again.
   */
  static Behavior<UserProfile.Command> failed(Guard guard, String cause, long retryAtNanos) {
    String detail = PREFIX + "user " + guard.userId + ": " + cause + " (DELETE the user to reset)";
    return Behaviors.setup(
        ctx ->
            Behaviors.receive(UserProfile.Command.class)
                .onMessage(
                    UserProfile.Command.class,
                    c -> {
                      if (c == UserProfile.Passivate.INSTANCE) {
                        return Behaviors.stopped();
                      }
                      if (c instanceof UserProfile.Forget f) {
                        return erase(ctx, guard, f);
                      }
                      if (System.nanoTime() - retryAtNanos > 0) {
                        ctx.getSelf().tell(c);
                        return guard.restart();
                      }
                      answer(c, detail);
                      return Behaviors.same();
                    })
                .onSignal(
                    PostStop.class,
                    s -> {
                      guard.deps.metrics().userStopped();
                      return Behaviors.same();
                    })
                .build());
  }

  private static Behavior<UserProfile.Command> erase(
      ActorContext<UserProfile.Command> ctx, Guard guard, UserProfile.Forget f) {
    ctx.spawnAnonymous(
        JournalEraser.create(
            UserProfile.persistenceIdOf(guard.userId).id(),
            Long.MAX_VALUE,
            guard.deps.settings().askTimeout().multipliedBy(5),
            guard.deps.purge(),
            ctx.getSelf(),
            failure -> new UserProfile.ErasedUnreadable(f.replyTo(), failure)));
    return Behaviors.receive(UserProfile.Command.class)
        .onMessage(
            UserProfile.ErasedUnreadable.class,
            done -> {
              if (done.failure() != null) {
                ctx.getLog().error("erasing user {} failed", guard.userId, done.failure());
                done.replyTo().tell(StatusReply.error("forgetting failed; retry"));
                return Behaviors.same();
              }
              ctx.getLog().info("user {}: unreadable history erased", guard.userId);
              done.replyTo().tell(StatusReply.ack());
              // Passivate through the shard, which keeps later commands for the fresh actor.
              if (guard.shard != null) {
                guard.shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
                return Behaviors.same();
              }
              return guard.restart();
            })
        .onMessage(
            UserProfile.Command.class,
            c -> {
              if (c == UserProfile.Passivate.INSTANCE) {
                return Behaviors.stopped();
              }
              answer(c, "forgetting in progress; retry");
              return Behaviors.same();
            })
        .build();
  }

  private static void answer(UserProfile.Command c, String detail) {
    if (c instanceof UserProfile.RecordInteraction r) {
      r.replyTo().tell(StatusReply.error(detail));
    } else if (c instanceof UserProfile.RecordInteractions r) {
      r.replyTo().tell(StatusReply.error(detail));
    } else if (c instanceof UserProfile.Recommend r) {
      r.replyTo().tell(StatusReply.error(detail));
    } else if (c instanceof UserProfile.GetSummary r) {
      r.replyTo().tell(StatusReply.error(detail));
    } else if (c instanceof UserProfile.Forget r) {
      r.replyTo().tell(StatusReply.error(detail));
    }
    // Subscriptions and internal messages of the failed profile get nothing.
  }
}
