package io.carousel.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.AskPattern;
import akka.pattern.StatusReply;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import com.typesafe.config.ConfigFactory;
import io.carousel.engine.ScoringModel;
import io.carousel.policy.EventType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The same event id has one effect however it is retried: any batch size, any interleaving, across
 * restart (recovery from events and snapshots) and a second incarnation of the user on the same
 * journal (what a shard moving to another node or passivation does).
 */
class ExactlyOnceIngestTest {
  private static final ActorTestKit TESTKIT =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private static final long T = 1_764_410_400_000L;

  private ProfileDependencies deps;
  private String userId;
  private EventSourcedBehaviorTestKit<UserProfile.Command, UserProfile.Event, UserState> kit;

  @AfterAll
  static void shutdown() {
    TESTKIT.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    ActorRef<ScoringModel.Command> scoring =
        TESTKIT.spawn(new FakeScoring().behavior(TestModel.ITEMS));
    deps =
        ProfileDependencies.of(
            TestModel.view(),
            scoring,
            UserProfileSettings.fromConfig(ConfigFactory.load()),
            TestModel.CLOCK);
    userId = "user-" + UUID.randomUUID();
    kit = EventSourcedBehaviorTestKit.create(TESTKIT.system(), UserProfile.create(userId, deps));
  }

  private static List<UserProfile.Interaction> batch(int n) {
    List<UserProfile.Interaction> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(
          new UserProfile.Interaction(
              "e-" + i, "item-" + (i % TestModel.ITEMS), EventType.VIEW, T + i, null));
    }
    return out;
  }

  private UserProfile.BatchRecorded recordAll(List<UserProfile.Interaction> events) {
    return kit.<StatusReply<UserProfile.BatchRecorded>>runCommand(
            r -> new UserProfile.RecordInteractions(events, r))
        .reply()
        .getValue();
  }

  private UserProfile.Recorded recordOne(UserProfile.Interaction e) {
    return kit.<StatusReply<UserProfile.Recorded>>runCommand(
            r ->
                new UserProfile.RecordInteraction(
                    e.eventId(), e.itemId(), e.type(), e.eventTimeMs(), e.slateId(), r))
        .reply()
        .getValue();
  }

  @Test
  void retryOfA300LineBatchCountsOnce() {
    UserProfile.BatchRecorded first = recordAll(batch(300));
    assertEquals(300, first.results().size());
    assertTrue(first.results().stream().noneMatch(UserProfile.Recorded::duplicate));
    UserProfile.BatchRecorded retry = recordAll(batch(300));
    assertTrue(retry.results().stream().allMatch(UserProfile.Recorded::duplicate));
    assertEquals(300, kit.getState().eventCount());
  }

  @Test
  void retryOf300SingleEventsCountsOnce() {
    // The former window held 256 ids: events 0..43 were counted a second time.
    for (UserProfile.Interaction e : batch(300)) {
      recordOne(e);
    }
    for (UserProfile.Interaction e : batch(300)) {
      assertTrue(recordOne(e).duplicate(), e.eventId() + " is a duplicate");
    }
    assertEquals(300, kit.getState().eventCount());
  }

  @Test
  void aRepeatedIdInsideOneBatchCountsOnce() {
    List<UserProfile.Interaction> events = new ArrayList<>(batch(3));
    events.add(events.get(0));
    UserProfile.BatchRecorded r = recordAll(events);
    assertEquals(List.of(false, false, false, true), duplicates(r));
    assertEquals(3, kit.getState().eventCount());
    assertEquals(3, r.results().get(3).eventCount());
  }

  @Test
  void aBatchIsPersistedTogetherStampedWithItsArrival() {
    var result =
        kit.<StatusReply<UserProfile.BatchRecorded>>runCommand(
            r -> new UserProfile.RecordInteractions(batch(5), r));
    assertEquals(5, result.events().size());
    for (UserProfile.Event e : result.events()) {
      assertEquals(TestModel.CLOCK.millis(), ((UserProfile.InteractionRecorded) e).recordedAtMs());
    }
  }

  @Test
  void dedupeSurvivesRestartFromEventsAndSnapshots() {
    // 300 events: recovery reads a snapshot (every 100 events) and the events after it.
    recordAll(batch(300));
    kit.restart();
    assertEquals(300, kit.getState().recentEventFingerprints().size());
    assertTrue(recordAll(batch(300)).results().stream().allMatch(UserProfile.Recorded::duplicate));
    assertEquals(300, kit.getState().eventCount());
  }

  @Test
  void aSecondIncarnationOnTheSameJournalKnowsEveryId() throws Exception {
    recordAll(batch(300));
    // What a rebalance or passivation does: a fresh actor for the same user recovers the journal.
    ActorRef<UserProfile.Command> moved = TESTKIT.spawn(UserProfile.create(userId, deps));
    UserProfile.BatchRecorded retry =
        AskPattern.<UserProfile.Command, StatusReply<UserProfile.BatchRecorded>>ask(
                moved,
                r -> new UserProfile.RecordInteractions(batch(300), r),
                Duration.ofSeconds(10),
                TESTKIT.scheduler())
            .toCompletableFuture()
            .get()
            .getValue();
    assertTrue(retry.results().stream().allMatch(UserProfile.Recorded::duplicate));
    assertEquals(300, retry.results().get(299).eventCount());
  }

  @Test
  void manyConcurrentWritersAndRetriesOfEverythingNeverDoubleCount() throws Exception {
    String id = "user-" + UUID.randomUUID();
    ActorRef<UserProfile.Command> user = TESTKIT.spawn(UserProfile.create(id, deps));
    List<UserProfile.Interaction> events = batch(800);
    java.util.Set<String> unanswered = java.util.concurrent.ConcurrentHashMap.newKeySet();
    events.forEach(e -> unanswered.add(e.eventId()));
    // Round 1: 800 writers at once, one event each. Later rounds: every event again, as singles
    // and as batches of 50, all interleaved, like clients retrying what they got no answer for
    // (past the stash capacity a command is dropped: its ask times out, the client retries).
    for (int round = 0; round < 3 || !unanswered.isEmpty(); round++) {
      assertTrue(round < 20, "every event answered within 20 rounds");
      List<CompletableFuture<?>> sent = new ArrayList<>();
      for (int from = 0; from < events.size(); from += 50) {
        List<UserProfile.Interaction> part = events.subList(from, from + 50);
        if (round > 0) {
          sent.add(
              AskPattern.<UserProfile.Command, StatusReply<UserProfile.BatchRecorded>>ask(
                      user,
                      r -> new UserProfile.RecordInteractions(part, r),
                      Duration.ofSeconds(3),
                      TESTKIT.scheduler())
                  .thenAccept(
                      r -> r.getValue().results().forEach(x -> unanswered.remove(x.eventId())))
                  .exceptionally(timedOut -> null)
                  .toCompletableFuture());
        }
        for (UserProfile.Interaction e : part) {
          sent.add(
              single(user, e)
                  .thenAccept(r -> unanswered.remove(r.getValue().eventId()))
                  .exceptionally(timedOut -> null)
                  .toCompletableFuture());
        }
      }
      CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get();
    }
    ProfileSummary summary =
        AskPattern.<UserProfile.Command, StatusReply<ProfileSummary>>ask(
                user, UserProfile.GetSummary::new, Duration.ofSeconds(10), TESTKIT.scheduler())
            .toCompletableFuture()
            .get()
            .getValue();
    assertEquals(800, summary.eventCount());
  }

  private static CompletionStage<StatusReply<UserProfile.Recorded>> single(
      ActorRef<UserProfile.Command> user, UserProfile.Interaction e) {
    return AskPattern.ask(
        user,
        r ->
            new UserProfile.RecordInteraction(
                e.eventId(), e.itemId(), e.type(), e.eventTimeMs(), e.slateId(), r),
        Duration.ofSeconds(3),
        TESTKIT.scheduler());
  }

  private static List<Boolean> duplicates(UserProfile.BatchRecorded r) {
    return r.results().stream().map(UserProfile.Recorded::duplicate).toList();
  }

  @Test
  void anIdOfAnotherUserIsNotADuplicate() {
    recordAll(batch(1));
    var other =
        EventSourcedBehaviorTestKit.<UserProfile.Command, UserProfile.Event, UserState>create(
            TESTKIT.system(), UserProfile.create(userId + "-b", deps));
    var r =
        other.<StatusReply<UserProfile.Recorded>>runCommand(
            rr -> new UserProfile.RecordInteraction("e-0", "item-0", EventType.VIEW, T, null, rr));
    assertFalse(r.reply().getValue().duplicate());
  }
}
