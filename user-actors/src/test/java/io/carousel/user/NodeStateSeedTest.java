package io.carousel.user;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A new node starts from the cluster's node-wide learning: node 2 joins with no snapshot of its own
 * and gets node 1's trends, pools and new-item statistics through {@link NodeStateSource} (before
 * this, it started from the priors); a node with its own snapshot keeps its own; a node alone
 * starts from the priors without waiting for the timeout.
 */
class NodeStateSeedTest {
  private ActorTestKit first;
  private ActorTestKit second;

  private static Config clusterConfig() {
    return ConfigFactory.parseString(
            "akka.actor.provider = cluster\n"
                + "akka.remote.artery.canonical.hostname = 127.0.0.1\n"
                + "akka.remote.artery.canonical.port = 0\n"
                + "akka.cluster.jmx.multi-mbeans-in-same-jvm = on\n"
                + "akka.cluster.downing-provider-class = \"\"\n")
        .withFallback(EventSourcedBehaviorTestKit.config())
        .withFallback(ConfigFactory.load());
  }

  @AfterEach
  void stop() {
    if (second != null) {
      second.shutdownTestKit();
    }
    if (first != null) {
      first.shutdownTestKit();
    }
  }

  private static long up(ActorTestKit kit) {
    return StreamSupport.stream(Cluster.get(kit.system()).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up())
        .count();
  }

  /** Node 1's learning: 30 interactions, 12 pooled impressions, two new items, counters. */
  private static void learn(ProfileDependencies deps) {
    for (int i = 0; i < 30; i++) {
      deps.trends().observe(i % 3 == 0 ? 1 : i % 5);
    }
    int k = deps.bandit().dim();
    NodePool pool = deps.bandit().pools().values().iterator().next();
    for (int s = 0; s < 4; s++) {
      float[][] x = new float[3][k];
      double[] r = new double[3];
      for (int i = 0; i < 3; i++) {
        for (int d = 0; d < k; d++) {
          x[i][d] = (float) Math.sin(s * 7 + i * 3 + d);
        }
        r[i] = (s + i) % 2;
      }
      pool.observe(x, r);
    }
    deps.exploration().restore(Map.of("new-0", new long[] {5, 2}, "new-1", new long[] {3, 0}));
    deps.metrics()
        .restorePolicyStats(
            Map.of("epsilon-greedy", new CarouselMetrics.PolicyStats("epsilon-greedy", 4, 12, 6)));
  }

  @Test
  void aNewNodeStartsFromAPeersSnapshotAndANodeWithItsOwnKeepsItsOwn() {
    first = ActorTestKit.create("nodestate", clusterConfig());
    Cluster c1 = Cluster.get(first.system());
    c1.manager().tell(Join.create(c1.selfMember().address()));
    ProfileDependencies deps1 = TestModel.deps(null, "");
    assertEquals(1, deps1.bandit().pools().size(), "one policy, one pool");
    // Alone in its cluster: the priors, once it is Up (no waiting for the timeout).
    long t0 = System.nanoTime();
    String alone =
        NodeStateSource.start(first.system(), deps1, Optional.empty(), Duration.ofSeconds(20));
    assertTrue(alone.startsWith("priors"), alone);
    long aloneMs = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(aloneMs < 10_000, "did not wait for the timeout");
    learn(deps1);
    first
        .system()
        .systemActorOf(
            NodeStateSource.create(deps1, TestModel.CLOCK),
            "node-state-source",
            akka.actor.typed.Props.empty());
    NodeState saved1 = NodeState.capture(deps1, 0);

    second = ActorTestKit.create("nodestate", clusterConfig());
    Cluster c2 = Cluster.get(second.system());
    c2.manager().tell(Join.create(c1.selfMember().address()));
    ProfileDependencies deps2 = TestModel.deps(null, "");
    assertEquals(0, deps2.trends().interactions(), "a new node's trends start empty");
    long t1 = System.nanoTime();
    String origin =
        NodeStateSource.start(second.system(), deps2, Optional.empty(), Duration.ofSeconds(20));
    System.out.printf(
        "node 1 alone: %s in %d ms; node 2 (join to seeded): %s in %d ms%n",
        alone, aloneMs, origin, (System.nanoTime() - t1) / 1_000_000);
    assertTrue(
        origin.startsWith("peer " + c1.selfMember().address()), "seeded from node 1: " + origin);
    assertEquals(origin, deps2.metrics().nodeStateOrigin());

    NodeState seeded = NodeState.capture(deps2, 0);
    // Trends: node 1's exact forward-decay state (30 interactions; item 1 most weighted).
    assertEquals(30, deps2.trends().interactions());
    assertEquals(saved1.trends(), seeded.trends());
    assertEquals(2, seeded.trends().size());
    Map<String, Double> raw = seeded.trends().get(0).raw();
    assertEquals(5, raw.size(), "items 0..4 seen");
    assertEquals(
        "item-1", raw.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey());
    // Pool: node 1's pooled regression, 12 impressions, the same A^-1, b and mean.
    NodeState.Pool p1 = saved1.pools().get("epsilon-greedy");
    NodeState.Pool p2 = seeded.pools().get("epsilon-greedy");
    assertEquals(12, p2.impressions());
    assertEquals(12, p2.global().updates());
    assertArrayEquals(p1.global().aInv(), p2.global().aInv(), 0);
    assertArrayEquals(p1.global().b(), p2.global().b(), 0);
    assertTrue(
        java.util.Arrays.stream(p2.global().b()).anyMatch(v -> v != 0), "learned, not the prior");
    // New items' exploration statistics copied; this node's traffic counters not (no double count).
    assertArrayEquals(new long[] {5, 2}, seeded.newItems().get("new-0"));
    assertArrayEquals(new long[] {3, 0}, seeded.newItems().get("new-1"));
    assertEquals(
        0,
        seeded
            .policies()
            .getOrDefault("epsilon-greedy", new CarouselMetrics.PolicyStats("e", 0, 0, 0))
            .impressions());

    // A node with a snapshot of its own keeps its own even with a peer up.
    ProfileDependencies own = TestModel.deps(null, "");
    for (int i = 0; i < 7; i++) {
      own.trends().observe(9);
    }
    NodeState ownSnapshot = NodeState.capture(own, 0);
    ProfileDependencies restarted = TestModel.deps(null, "");
    assertEquals(
        "own snapshot",
        NodeStateSource.start(
            second.system(), restarted, Optional.of(ownSnapshot), Duration.ofSeconds(20)));
    assertEquals(7, restarted.trends().interactions());
    assertEquals(
        List.of("item-9"),
        List.copyOf(NodeState.capture(restarted, 0).trends().get(0).raw().keySet()));
    assertEquals(0, NodeState.capture(restarted, 0).pools().get("epsilon-greedy").impressions());
  }

  @Test
  void nodesStartingTogetherDoNotWaitForEachOther() {
    first = ActorTestKit.create("nodestate", clusterConfig());
    Cluster c1 = Cluster.get(first.system());
    c1.manager().tell(Join.create(c1.selfMember().address()));
    // Node 1 is itself still seeding: its source is registered and answers "none yet".
    first
        .system()
        .systemActorOf(
            NodeStateSource.create(TestModel.deps(null, ""), TestModel.CLOCK, () -> false),
            "node-state-source",
            akka.actor.typed.Props.empty());
    second = ActorTestKit.create("nodestate", clusterConfig());
    Cluster.get(second.system()).manager().tell(Join.create(c1.selfMember().address()));
    long t0 = System.nanoTime();
    String origin =
        NodeStateSource.start(
            second.system(), TestModel.deps(null, ""), Optional.empty(), Duration.ofSeconds(30));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("node 2 beside a starting node 1: %s in %d ms%n", origin, ms);
    assertEquals(
        "priors (no snapshot of its own; every Up peer is starting without state)", origin);
    assertTrue(ms < 20_000, "answered, not the 30 s timeout: " + ms + " ms");
  }
}
