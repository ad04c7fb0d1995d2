package io.carousel.user;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.pubsub.Topic;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.IntSupplier;

/**
 * The catalogue entity's side of the {@code catalogue} topic: publishes its deltas in order, but
 * holds them while its topic instance does not yet know a view on every Up member.
 *
 * <p>Why: a topic instance learns the other instances (one per node's {@link CatalogueView}) from
 * the receptionist, asynchronously — through distributed-data gossip for another node's. A delta
 * published before that reaches nobody there, so a PUT in a node's first moments (or in the
 * entity's, after a start or a rebalance) stayed invisible on that node until its view's next
 * resync (30 s). Before each publish the publisher asks its topic how many instances it knows (one
 * local message) and holds the deltas, polling every {@link #POLL}, until that is at least the
 * number of Up members (1 without a cluster) — or for {@code maxHold} at most: a member without a
 * view must not hold them forever, and the resync still covers a node missed.
 */
final class CataloguePublisher {
  private CataloguePublisher() {}

  /** A delta to publish, in order. */
  record Publish(Catalogue.AvailabilityChanged delta) {}

  private enum Tick {
    INSTANCE
  }

  private record Stats(Topic.TopicStats stats) {}

  /** How often held deltas re-ask the topic how many instances it knows. */
  static final Duration POLL = Duration.ofMillis(50);

  /**
   * @param maxHold the longest a delta waits for the views to be known
   */
  static Behavior<Publish> create(Duration maxHold) {
    return Behaviors.<Object>setup(
            ctx ->
                Behaviors.withTimers(
                    timers -> new Held(ctx, timers, maxHold, expectedViews(ctx)).behavior()))
        .narrow();
  }

  /** One view per Up member in a cluster; one (this node's) otherwise. */
  private static IntSupplier expectedViews(ActorContext<?> ctx) {
    if (!"cluster".equals(ctx.getSystem().settings().config().getString("akka.actor.provider"))) {
      return () -> 1;
    }
    Cluster cluster = Cluster.get(ctx.getSystem());
    return () -> {
      int up = 0;
      for (akka.cluster.Member m : cluster.state().getMembers()) {
        if (m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp()) {
          up++;
        }
      }
      return Math.max(1, up);
    };
  }

  /** Deltas waiting for a topic-stats answer, and the one question in flight. */
  private static final class Held {
    private final ActorContext<Object> ctx;
    private final TimerScheduler<Object> timers;
    private final long maxHoldNanos;
    private final IntSupplier expectedViews;
    private final ActorRef<Topic.Command<Catalogue.AvailabilityChanged>> topic;
    private final ActorRef<Topic.TopicStats> statsAdapter;
    private final ArrayDeque<Catalogue.AvailabilityChanged> held = new ArrayDeque<>();
    private long oldestHeldNanos;
    private boolean asking;

    Held(
        ActorContext<Object> ctx,
        TimerScheduler<Object> timers,
        Duration maxHold,
        IntSupplier expectedViews) {
      this.ctx = ctx;
      this.timers = timers;
      this.maxHoldNanos = maxHold.toNanos();
      this.expectedViews = expectedViews;
      this.topic =
          ctx.spawn(Topic.create(Catalogue.AvailabilityChanged.class, Catalogue.TOPIC), "topic");
      this.statsAdapter = ctx.messageAdapter(Topic.TopicStats.class, Stats::new);
    }

    Behavior<Object> behavior() {
      return Behaviors.receive(Object.class)
          .onMessage(Publish.class, this::onPublish)
          .onMessageEquals(Tick.INSTANCE, this::onTick)
          .onMessage(Stats.class, this::onStats)
          .build();
    }

    private Behavior<Object> onPublish(Publish p) {
      if (held.isEmpty()) {
        oldestHeldNanos = System.nanoTime();
      }
      held.add(p.delta());
      ask();
      return Behaviors.same();
    }

    private Behavior<Object> onTick() {
      ask();
      return Behaviors.same();
    }

    private void ask() {
      if (!asking && !held.isEmpty()) {
        asking = true;
        topic.tell(Topic.getTopicStats(statsAdapter));
      }
    }

    private Behavior<Object> onStats(Stats s) {
      asking = false;
      if (held.isEmpty()) {
        return Behaviors.same();
      }
      boolean known = s.stats().topicInstanceCount() >= expectedViews.getAsInt();
      boolean expired = System.nanoTime() - oldestHeldNanos >= maxHoldNanos;
      if (known || expired) {
        if (!known) {
          ctx.getLog()
              .info(
                  "catalogue topic knows {} of {} views after {} ms; publishing {} held deltas",
                  s.stats().topicInstanceCount(),
                  expectedViews.getAsInt(),
                  maxHoldNanos / 1_000_000,
                  held.size());
        }
        while (!held.isEmpty()) {
          topic.tell(Topic.publish(held.poll()));
        }
      } else if (!timers.isTimerActive(Tick.INSTANCE)) {
        timers.startSingleTimer(Tick.INSTANCE, POLL);
      }
      return Behaviors.same();
    }
  }
}
