package io.carousel.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.Receptionist;
import akka.pattern.StatusReply;
import io.carousel.engine.retrieval.TopN;
import io.carousel.engine.tower.TwoTowerScorer;
import io.carousel.offline.train.ToyModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ScoringModelTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static TwoTowerScorer scorer;

  @BeforeAll
  static void load() {
    scorer = TwoTowerScorer.load(ToyModel.dir());
  }

  @AfterAll
  static void shutDown() {
    testKit.shutdownTestKit();
    scorer.close();
  }

  @Test
  void batchesConcurrentRequestsAndAnswersLikeADirectCall() {
    List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
    ActorRef<ScoringModel.Command> model =
        testKit.spawn(
            ScoringModel.create(
                scorer, new ScoringSettings(32, Duration.ofMillis(50), 1), batchSizes::add));
    int[][] histories = ToyModel.probes(40, 21L);
    List<TestProbe<StatusReply<ScoringModel.Scores>>> probes = new ArrayList<>();
    for (int[] h : histories) {
      TestProbe<StatusReply<ScoringModel.Scores>> probe = testKit.createTestProbe();
      probes.add(probe);
      model.tell(new ScoringModel.Score(h, 5, null, probe.ref()));
    }
    float[][] direct = scorer.score(histories);
    for (int i = 0; i < histories.length; i++) {
      ScoringModel.Scores got = probes.get(i).receiveMessage().getValue();
      TopN expected = TopN.select(direct[i], 5, null);
      assertArrayEquals(expected.items(), got.items(), "request " + i);
      assertArrayEquals(expected.scores(), got.scores(), 1e-5f);
    }
    assertEquals(40, batchSizes.stream().mapToInt(Integer::intValue).sum());
    assertTrue(Collections.max(batchSizes) > 1, "batch sizes " + batchSizes);
    assertTrue(Collections.max(batchSizes) <= 32, "batch sizes " + batchSizes);
  }

  @Test
  void shedsRequestsThatWaitedPastTheQueueBoundAndServesTheNextOnes() throws Exception {
    java.util.concurrent.atomic.AtomicInteger shed =
        new java.util.concurrent.atomic.AtomicInteger();
    ActorRef<ScoringModel.Command> model =
        testKit.spawn(
            ScoringModel.create(
                scorer,
                new ScoringSettings(1, Duration.ofMillis(1), 1, Duration.ofMillis(50)),
                null,
                shed::incrementAndGet,
                null),
            akka.actor.typed.DispatcherSelector.blocking());
    // The first request's exclude predicate stalls its batch for 400 ms: the five sent meanwhile
    // wait in the worker's queue past the 50 ms bound.
    java.util.concurrent.CountDownLatch stalled = new java.util.concurrent.CountDownLatch(1);
    java.util.function.IntPredicate slow =
        i -> {
          if (stalled.getCount() > 0) {
            stalled.countDown();
            try {
              Thread.sleep(400);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return false;
        };
    int[] history = {10, 11, 12};
    TestProbe<StatusReply<ScoringModel.Scores>> first = testKit.createTestProbe();
    model.tell(new ScoringModel.Score(history, 3, slow, first.ref()));
    assertTrue(stalled.await(5, java.util.concurrent.TimeUnit.SECONDS));
    List<TestProbe<StatusReply<ScoringModel.Scores>>> queued = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      TestProbe<StatusReply<ScoringModel.Scores>> p = testKit.createTestProbe();
      queued.add(p);
      model.tell(new ScoringModel.Score(history, 3, null, p.ref()));
    }
    assertTrue(first.receiveMessage(Duration.ofSeconds(5)).isSuccess());
    for (TestProbe<StatusReply<ScoringModel.Scores>> p : queued) {
      StatusReply<ScoringModel.Scores> r = p.receiveMessage(Duration.ofSeconds(5));
      assertTrue(r.isError(), "a request queued 400 ms is shed");
      assertEquals(ScoringModel.OVERLOADED, r.getError().getMessage());
    }
    assertEquals(5, shed.get());
    // The queue has drained: a request sent now is scored.
    TestProbe<StatusReply<ScoringModel.Scores>> after = testKit.createTestProbe();
    model.tell(new ScoringModel.Score(history, 3, null, after.ref()));
    assertEquals(13, after.receiveMessage(Duration.ofSeconds(5)).getValue().items()[0]);
    assertEquals(5, shed.get());
  }

  @Test
  void neverReturnsAnExcludedItem() {
    ActorRef<ScoringModel.Command> model =
        testKit.spawn(ScoringModel.create(scorer, new ScoringSettings(4, Duration.ofMillis(1), 1)));
    TestProbe<StatusReply<ScoringModel.Scores>> probe = testKit.createTestProbe();
    int[] history = {10, 11, 12};
    model.tell(new ScoringModel.Score(history, 3, null, probe.ref()));
    int best = probe.receiveMessage().getValue().items()[0];
    assertEquals(13, best, "the toy model learned i -> i+1");
    model.tell(new ScoringModel.Score(history, 3, i -> i == 13 || i < 5, probe.ref()));
    int[] items = probe.receiveMessage().getValue().items();
    assertEquals(3, items.length);
    assertFalse(Arrays.stream(items).anyMatch(i -> i == 13 || i < 5), Arrays.toString(items));
  }

  @Test
  void rejectsAnUnknownItemWithoutScoring() {
    List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
    ActorRef<ScoringModel.Command> model =
        testKit.spawn(
            ScoringModel.create(
                scorer, new ScoringSettings(4, Duration.ofMillis(1), 1), batchSizes::add));
    TestProbe<StatusReply<ScoringModel.Scores>> probe = testKit.createTestProbe();
    model.tell(new ScoringModel.Score(new int[] {1, 999}, 3, null, probe.ref()));
    StatusReply<ScoringModel.Scores> reply = probe.receiveMessage();
    assertTrue(reply.isError());
    assertTrue(reply.getError().getMessage().contains("999"), reply.getError().getMessage());
    probe.expectNoMessage(Duration.ofMillis(20));
    assertTrue(batchSizes.isEmpty());
  }

  @Test
  void answersEveryRequestOfAFailedBatchWithAnError() {
    TwoTowerScorer closed = TwoTowerScorer.load(ToyModel.dir());
    closed.close();
    ActorRef<ScoringModel.Command> model =
        testKit.spawn(
            ScoringModel.create(closed, new ScoringSettings(2, Duration.ofSeconds(5), 1)));
    TestProbe<StatusReply<ScoringModel.Scores>> probe = testKit.createTestProbe();
    model.tell(new ScoringModel.Score(new int[] {1}, 3, null, probe.ref()));
    model.tell(new ScoringModel.Score(new int[] {2}, 3, null, probe.ref()));
    for (int i = 0; i < 2; i++) {
      StatusReply<ScoringModel.Scores> reply = probe.receiveMessage();
      assertTrue(reply.isError());
      assertTrue(reply.getError().getMessage().startsWith("scoring failed"));
    }
  }

  @Test
  void registersWithTheReceptionist() {
    ActorRef<ScoringModel.Command> model =
        testKit.spawn(ScoringModel.create(scorer, new ScoringSettings(4, Duration.ofMillis(1), 1)));
    TestProbe<Receptionist.Listing> probe = testKit.createTestProbe();
    testKit.system().receptionist().tell(Receptionist.subscribe(ScoringModel.KEY, probe.ref()));
    probe.fishForMessage(
        Duration.ofSeconds(3),
        listing ->
            listing.getServiceInstances(ScoringModel.KEY).contains(model)
                ? FishingOutcomes.complete()
                : FishingOutcomes.continueAndIgnore());
  }
}
