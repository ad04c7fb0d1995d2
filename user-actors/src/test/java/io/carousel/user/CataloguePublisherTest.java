package io.carousel.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.pubsub.Topic;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.pattern.StatusReply;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A catalogue change made while a node is joining reaches that node's view at once: its topic
 * instance reaches the entity's only through distributed-data gossip, and a delta published before
 * that was lost on the new node until its view's 30 s resync.
 */
class CataloguePublisherTest {
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

  @Test
  void aChangeRightAfterANodeJoinsReachesItsView() {
    first = ActorTestKit.create("catalogue", clusterConfig());
    Cluster c1 = Cluster.get(first.system());
    c1.manager().tell(Join.create(c1.selfMember().address()));
    // The entity lives on the first node, long enough for its topic to know that node's view.
    TestProbe<Catalogue.AvailabilityChanged> view1 = first.createTestProbe();
    ActorRef<Topic.Command<Catalogue.AvailabilityChanged>> topic1 =
        first.spawn(Topic.create(Catalogue.AvailabilityChanged.class, Catalogue.TOPIC));
    topic1.tell(Topic.subscribe(view1.getRef()));
    view1.awaitAssert(
        Duration.ofSeconds(10),
        () -> {
          assertEquals(1, up(first));
          return null;
        });
    var entity =
        EventSourcedBehaviorTestKit.<Catalogue.Command, Catalogue.Event, Catalogue.State>create(
            first.system(), Catalogue.create(TestModel.CLOCK));
    upsert(entity, "before");
    assertEquals(
        "before",
        view1
            .expectMessageClass(Catalogue.AvailabilityChanged.class, Duration.ofSeconds(5))
            .items()
            .get(0)
            .itemId());

    // A second node joins and starts its view; the first node sees it Up.
    second = ActorTestKit.create("catalogue", clusterConfig());
    TestProbe<Catalogue.AvailabilityChanged> view2 = second.createTestProbe();
    ActorRef<Topic.Command<Catalogue.AvailabilityChanged>> topic2 =
        second.spawn(Topic.create(Catalogue.AvailabilityChanged.class, Catalogue.TOPIC));
    topic2.tell(Topic.subscribe(view2.getRef()));
    Cluster.get(second.system()).manager().tell(Join.create(c1.selfMember().address()));
    view1.awaitAssert(
        Duration.ofSeconds(20),
        () -> {
          assertEquals(2, up(first));
          return null;
        });

    long start = System.nanoTime();
    upsert(entity, "right-after-join");
    Catalogue.AvailabilityChanged got =
        view2.expectMessageClass(Catalogue.AvailabilityChanged.class, Duration.ofSeconds(4));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertEquals("right-after-join", got.items().get(0).itemId());
    // Well inside the 5 s hold: the new node's instance arrived by gossip, not by the cap.
    assertTrue(ms < 4_000, ms + " ms");
    assertEquals(
        "right-after-join",
        view1
            .expectMessageClass(Catalogue.AvailabilityChanged.class, Duration.ofSeconds(5))
            .items()
            .get(0)
            .itemId());
  }

  private static void upsert(
      EventSourcedBehaviorTestKit<Catalogue.Command, Catalogue.Event, Catalogue.State> kit,
      String id) {
    StatusReply<Catalogue.Upserted> reply =
        kit.<StatusReply<Catalogue.Upserted>>runCommand(
                r ->
                    new Catalogue.Upsert(
                        List.of(new Catalogue.ItemUpsert(id, "t " + id, "d", null, 1.0, true)), r))
            .reply();
    assertTrue(reply.isSuccess(), reply.toString());
  }
}
