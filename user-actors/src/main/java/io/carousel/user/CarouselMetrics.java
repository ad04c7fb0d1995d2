package io.carousel.user;

import io.carousel.policy.EventType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The user side's metrics, node-local: events ingested by type, slates served, clicks on served
 * slates and online CTR per policy, persist latency, active users and WebSocket subscribers.
 * Recorded in side effects after a persist succeeds, never in event handlers (which also run on
 * recovery). Thread-safe.
 */
public final class CarouselMetrics {
  /** Impressions and clicks of one policy on this node. */
  public record PolicyStats(String policy, long slates, long impressions, long clicks) {
    /** Returns clicks / impressions (0 before any impression). */
    public double ctr() {
      return impressions == 0 ? 0 : (double) clicks / impressions;
    }
  }

  private final MeterRegistry registry;
  private final Counter[] eventsByType = new Counter[EventType.values().length];
  private final Timer persistLatency;
  private final Timer candidateLatency;
  private final AtomicLong activeUsers = new AtomicLong();
  private final AtomicLong subscribers = new AtomicLong();
  private final Map<String, LongAdder[]> byPolicy = new ConcurrentHashMap<>();

  /** Registers the meters in {@code registry}. */
  public CarouselMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (EventType t : EventType.values()) {
      eventsByType[t.ordinal()] =
          Counter.builder("carousel.events.ingested")
              .description("Events persisted, by type")
              .tag("type", t.wireName())
              .register(registry);
    }
    persistLatency =
        Timer.builder("carousel.persist.latency")
            .description("Time from persist call to journal confirmation")
            .publishPercentileHistogram()
            .register(registry);
    candidateLatency =
        Timer.builder("carousel.scoring.latency")
            .description("Candidate retrieval and model scoring for one slate, batching included")
            .publishPercentileHistogram()
            .register(registry);
    Gauge.builder("carousel.users.active", activeUsers, AtomicLong::get)
        .description("User actors alive on this node")
        .register(registry);
    Gauge.builder("carousel.websocket.subscribers", subscribers, AtomicLong::get)
        .description("WebSocket subscribers on user actors of this node")
        .register(registry);
  }

  /**
   * Registers gauges of the node-wide learning: impressions pooled into each policy's pool (none
   * with the fixed prior) and interactions counted by {@code trends}, both since the node started.
   */
  public void watchNode(Map<String, NodePool> pools, NodeTrends trends) {
    watchNode(pools, () -> trends);
  }

  /** As above, reading the trends of the node's current model (they change with a hot swap). */
  public void watchNode(
      Map<String, NodePool> pools, java.util.function.Supplier<NodeTrends> trends) {
    pools.forEach(
        (policy, pool) ->
            Gauge.builder("carousel.pool.impressions", pool, NodePool::impressions)
                .description("Impressions pooled into this node's shared prior since it started")
                .tag("policy", policy)
                .register(registry));
    Gauge.builder("carousel.trends.interactions", trends, t -> t.get().interactions())
        .description("Interactions counted by this node's trend popularities since it started")
        .strongReference(true) // the supplier lambda is referenced by nothing else
        .register(registry);
  }

  /** Metrics into a throw-away registry, for tests and tools. */
  public static CarouselMetrics noop() {
    return new CarouselMetrics(new SimpleMeterRegistry());
  }

  /** Returns the registry the meters live in. */
  public MeterRegistry registry() {
    return registry;
  }

  void eventIngested(EventType type) {
    eventsByType[type.ordinal()].increment();
  }

  void persisted(long startNanos) {
    persistLatency.record(Duration.ofNanos(System.nanoTime() - startNanos));
  }

  void candidatesRetrieved(long startNanos) {
    candidateLatency.record(Duration.ofNanos(System.nanoTime() - startNanos));
  }

  void slateServed(String policy, String trigger, int size) {
    registry.counter("carousel.slates.served", "policy", policy, "trigger", trigger).increment();
    LongAdder[] s = stats(policy);
    s[0].increment();
    s[1].add(size);
  }

  void clickOnServedSlate(String policy) {
    registry.counter("carousel.slates.clicks", "policy", policy).increment();
    stats(policy)[2].increment();
  }

  void userStarted() {
    activeUsers.incrementAndGet();
  }

  void userStopped() {
    activeUsers.decrementAndGet();
  }

  void subscribersChanged(int delta) {
    subscribers.addAndGet(delta);
  }

  private LongAdder[] stats(String policy) {
    return byPolicy.computeIfAbsent(
        policy,
        p -> {
          LongAdder[] s = {new LongAdder(), new LongAdder(), new LongAdder()};
          Gauge.builder("carousel.online.ctr", s, a -> ctr(a[2].sum(), a[1].sum()))
              .description("Clicks on served slate items / items served, per policy")
              .tag("policy", p)
              .register(registry);
          return s;
        });
  }

  private static double ctr(long clicks, long impressions) {
    return impressions == 0 ? 0 : (double) clicks / impressions;
  }

  /** Adds restored per-policy statistics ({@link NodeState}) to this node's. */
  public void restorePolicyStats(Map<String, PolicyStats> saved) {
    saved.forEach(
        (p, s) -> {
          LongAdder[] a = stats(p);
          a[0].add(s.slates());
          a[1].add(s.impressions());
          a[2].add(s.clicks());
        });
  }

  /** Returns per-policy slates, impressions, clicks and CTR on this node, by policy name. */
  public Map<String, PolicyStats> policyStats() {
    Map<String, PolicyStats> out = new TreeMap<>();
    byPolicy.forEach((p, s) -> out.put(p, new PolicyStats(p, s[0].sum(), s[1].sum(), s[2].sum())));
    return out;
  }
}
