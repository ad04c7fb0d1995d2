package io.carousel.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.pattern.StatusReply;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import akka.persistence.typed.PersistenceId;
import com.typesafe.config.ConfigFactory;
import io.carousel.engine.Catalog;
import io.carousel.engine.Item;
import io.carousel.engine.ScoringModel;
import io.carousel.policy.ContextFeatures;
import io.carousel.policy.EventType;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UserProfileTest {
  private static final int ITEMS = TestModel.ITEMS;
  private static final int DIM = TestModel.DIM;

  private static final ActorTestKit TESTKIT =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));

  private EventSourcedBehaviorTestKit<UserProfile.Command, UserProfile.Event, UserState> kit;
  private FakeScoring fake;
  private String userId;
  private ProfileDependencies deps;

  @AfterAll
  static void shutdown() {
    TESTKIT.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    ModelView view = TestModel.view();
    fake = new FakeScoring();
    ActorRef<ScoringModel.Command> scoring = TESTKIT.spawn(fake.behavior(ITEMS));
    UserProfileSettings settings = UserProfileSettings.fromConfig(ConfigFactory.load());
    Clock clock = TestModel.CLOCK;
    userId = "user-" + UUID.randomUUID();
    deps = ProfileDependencies.of(view, scoring, settings, clock);
    kit = EventSourcedBehaviorTestKit.create(TESTKIT.system(), UserProfile.create(userId, deps));
  }

  private UserProfile.Recorded record(String eventId, String item, EventType type, long t) {
    var result =
        kit.<StatusReply<UserProfile.Recorded>>runCommand(
            r -> new UserProfile.RecordInteraction(eventId, item, type, t, null, r));
    return result.reply().getValue();
  }

  private UserProfile.SlateReply recommend(int k, List<String> exclude) {
    var result =
        kit.<StatusReply<UserProfile.SlateReply>>runCommand(
            r -> new UserProfile.Recommend(k, exclude, null, r));
    return result.reply().getValue();
  }

  @Test
  void recordsInteractionAndUpdatesSessionEmbedding() {
    var result =
        kit.<StatusReply<UserProfile.Recorded>>runCommand(
            r ->
                new UserProfile.RecordInteraction("e1", "item-3", EventType.VIEW, 1_000L, null, r));
    assertEquals(
        new UserProfile.InteractionRecorded(
            "e1", "item-3", EventType.VIEW, 1_000L, null, TestModel.CLOCK.millis()),
        result.event());
    UserState s = result.state();
    assertEquals(1, s.eventsByType()[EventType.VIEW.ordinal()]);
    assertEquals(List.of("item-3"), s.recentItems());
    assertEquals(DIM, s.session().length);
    assertEquals(1_000L, s.lastEventTimeMs());

    record("e2", "item-5", EventType.CLICK, 2_000L);
    UserState after = kit.getState();
    assertEquals(2, after.eventCount());
    assertFalse(java.util.Arrays.equals(s.session(), after.session()), "session moved");
  }

  @Test
  void userIdWithPipeStartsAndKeepsThePrefixedPersistenceId() {
    // PersistenceId.of(type, id) rejects '|' in the id: the actor failed to start, every request
    // for such a user timed out (503) although the id is valid input.
    String id = "a|b-" + UUID.randomUUID();
    assertEquals("UserProfile|" + id, UserProfile.persistenceIdOf(id).id());
    EventSourcedBehaviorTestKit<UserProfile.Command, UserProfile.Event, UserState> pipeKit =
        EventSourcedBehaviorTestKit.create(TESTKIT.system(), UserProfile.create(id, deps));
    var result =
        pipeKit.<StatusReply<UserProfile.Recorded>>runCommand(
            r ->
                new UserProfile.RecordInteraction("e1", "item-1", EventType.VIEW, 1_000L, null, r));
    assertTrue(result.reply().isSuccess());
    assertEquals(1, pipeKit.getState().eventCount());
    pipeKit.restart();
    assertEquals(1, pipeKit.getState().eventCount());
  }

  @Test
  void ignoresRepeatedEventId() {
    record("same", "item-1", EventType.CLICK, 1_000L);
    UserProfile.Recorded again = record("same", "item-1", EventType.CLICK, 1_000L);
    assertTrue(again.duplicate());
    assertEquals(1, again.eventCount());
    assertEquals(1, kit.getState().eventCount());
  }

  @Test
  void servesSlateWithoutSeenItemsAndPersistsPropensities() {
    record("e1", "item-0", EventType.PURCHASE, 1_000L);
    UserProfile.SlateReply slate = recommend(5, List.of("item-1"));
    assertEquals(5, slate.items().size());
    var ids = slate.items().stream().map(UserProfile.SlateItem::itemId).toList();
    assertEquals(5, new HashSet<>(ids).size(), "no duplicates");
    assertFalse(ids.contains("item-0"), "purchased item excluded");
    assertFalse(ids.contains("item-1"), "requested exclusion honoured");
    for (UserProfile.SlateItem item : slate.items()) {
      assertTrue(item.propensity() > 0 && item.propensity() <= 1, "propensity in (0,1]");
    }
    UserState s = kit.getState();
    assertEquals(1, s.slatesServed());
    assertEquals(slate.slateId(), s.pending().slateId());
    assertEquals(ids, s.pending().itemIds());
    assertEquals(1, fake.histories.get(fake.histories.size() - 1).length, "history sent to model");
  }

  @Test
  void clickOnServedItemIsLearnedWhenTheSlateCloses() {
    record("v0", "item-9", EventType.VIEW, 1_000L);
    UserProfile.SlateReply slate = recommend(3, List.of());
    String clicked = slate.items().get(1).itemId();
    long before = kit.getState().posterior().updates();
    var result =
        kit.<StatusReply<UserProfile.Recorded>>runCommand(
            r ->
                new UserProfile.RecordInteraction("c1", clicked, EventType.CLICK, 5_000L, null, r));
    assertEquals(2, result.events().size());
    var reward = assertInstanceOf(UserProfile.RewardObserved.class, result.events().get(1));
    assertEquals(1.0, reward.reward());
    assertEquals(clicked, reward.itemId());
    assertEquals(before, result.state().posterior().updates(), "learned when the slate closes");
    assertNotEquals(0.0, result.state().rewardSum());

    // The next slate learns the clicked slot and the two unclicked impressions (reward 0).
    recommend(3, List.of());
    assertEquals(before + 3, kit.getState().posterior().updates());
  }

  @Test
  void aNeverSeenUsersSlateIsServedButNeitherLoggedNorRewarded() {
    var read =
        kit.<StatusReply<UserProfile.SlateReply>>runCommand(
            r -> new UserProfile.Recommend(3, List.of(), null, r));
    UserProfile.SlateReply slate = read.reply().getValue();
    assertEquals(3, slate.items().size());
    assertEquals(null, slate.slateId(), "not logged: no slate id");
    assertTrue(read.events().isEmpty(), "a read of an unknown user writes nothing");
    assertEquals(0, read.state().slatesServed());

    String item = slate.items().get(0).itemId();
    var click =
        kit.<StatusReply<UserProfile.Recorded>>runCommand(
            r -> new UserProfile.RecordInteraction("k1", item, EventType.CLICK, 2_000L, null, r));
    assertEquals(1, click.events().size(), "no reward on an unlogged slate");
    UserProfile.SlateReply logged = recommend(3, List.of());
    assertTrue(
        logged.slateId().startsWith(userId + "/1."),
        "a known user's slate is logged: " + logged.slateId());
    assertEquals(1, kit.getState().slatesServed());
  }

  @Test
  void nonFiniteModelScoresNeverReachASlateOrThePosterior() {
    // A broken model (e.g. overflowing wide weights) answers NaN and ±Infinity for some items.
    ActorRef<ScoringModel.Command> broken =
        TESTKIT.spawn(
            akka.actor.typed.javadsl.Behaviors.receive(ScoringModel.Command.class)
                .onMessage(
                    ScoringModel.Score.class,
                    q -> {
                      int[] items = {0, 1, 2, 3, 4, 5};
                      float[] scores = {
                        Float.NaN, Float.POSITIVE_INFINITY, 3f, Float.NEGATIVE_INFINITY, 2f, 1f
                      };
                      q.replyTo().tell(StatusReply.success(new ScoringModel.Scores(items, scores)));
                      return akka.actor.typed.javadsl.Behaviors.same();
                    })
                .build());
    ProfileDependencies brokenDeps =
        ProfileDependencies.of(
            TestModel.view(),
            broken,
            UserProfileSettings.fromConfig(ConfigFactory.load()),
            TestModel.CLOCK);
    var k2 =
        EventSourcedBehaviorTestKit.<UserProfile.Command, UserProfile.Event, UserState>create(
            TESTKIT.system(), UserProfile.create("broken-" + userId, brokenDeps));
    k2.<StatusReply<UserProfile.Recorded>>runCommand(
        r -> new UserProfile.RecordInteraction("b0", "item-7", EventType.VIEW, 4_000L, null, r));
    UserProfile.SlateReply slate =
        k2.<StatusReply<UserProfile.SlateReply>>runCommand(
                r -> new UserProfile.Recommend(3, List.of(), null, r))
            .reply()
            .getValue();
    // The finite-scored items, in whatever order the user's exploration draws them (the user id,
    // and so the policy's seed, is random per run).
    assertEquals(
        List.of("item-2", "item-4", "item-5"),
        slate.items().stream().map(UserProfile.SlateItem::itemId).sorted().toList());
    for (UserProfile.SlateItem item : slate.items()) {
      assertTrue(Double.isFinite(item.score()), item.toString());
    }
    String clicked = slate.items().get(0).itemId();
    k2.<StatusReply<UserProfile.Recorded>>runCommand(
        r -> new UserProfile.RecordInteraction("b1", clicked, EventType.CLICK, 5_000L, null, r));
    // The next slate closes this one: its three slots are learned once each.
    k2.<StatusReply<UserProfile.SlateReply>>runCommand(
        r -> new UserProfile.Recommend(3, List.of(), null, r));
    for (double a : k2.getState().posterior().aInv()) {
      assertTrue(Double.isFinite(a));
    }
    assertEquals(3, k2.getState().posterior().updates());
  }

  @Test
  void newShopperGetsPopularItemsAndContextPersonalises() {
    UserProfile.SlateReply cold = recommend(5, List.of());
    assertEquals(0, fake.histories.size(), "a new shopper without context needs no model call");
    // Popularity decreases with the index in this catalogue; the policy keeps the top items
    // unless it explores.
    long popular =
        cold.items().stream().filter(i -> Integer.parseInt(i.itemId().substring(5)) < 10).count();
    assertTrue(popular >= 3, cold.toString());
    var withContext =
        kit.<StatusReply<UserProfile.SlateReply>>runCommand(
                r -> new UserProfile.Recommend(5, List.of(), "item-12", r))
            .reply()
            .getValue();
    assertEquals(1, fake.histories.size());
    assertEquals(12, fake.histories.get(0)[0], "the viewed item is the session's history");
    assertFalse(
        withContext.items().stream().anyMatch(i -> i.itemId().equals("item-12")),
        "the item on screen is not recommended back");
    assertTrue(
        withContext.items().stream()
            .anyMatch(i -> i.reason().equals("related to the item you are viewing")),
        withContext.toString());
    assertEquals(0, kit.getState().eventCount(), "context is not an event");
  }

  @Test
  void stopsOnShardingsStopMessageAfterEarlierCommandsAndRecovers() {
    var actor = TESTKIT.spawn(UserProfile.create(userId, deps));
    TestProbe<StatusReply<UserProfile.Recorded>> acks = TESTKIT.createTestProbe();
    actor.tell(
        new UserProfile.RecordInteraction(
            "p1", "item-2", EventType.CLICK, 1_000L, null, acks.getRef()));
    actor.tell(UserProfile.Passivate.INSTANCE);
    assertTrue(acks.receiveMessage().isSuccess(), "the command before the stop is handled");
    acks.expectTerminated(actor);
    var again = TESTKIT.spawn(UserProfile.create(userId, deps));
    TestProbe<StatusReply<ProfileSummary>> summaries = TESTKIT.createTestProbe();
    again.tell(new UserProfile.GetSummary(summaries.getRef()));
    assertEquals(1, summaries.receiveMessage().getValue().eventCount());
  }

  @Test
  void keepsStateAfterRestart() {
    record("e1", "item-2", EventType.VIEW, 1_000L);
    recommend(4, List.of());
    record("e2", "item-7", EventType.ADD_TO_CART, 2_000L);
    UserState before = kit.getState();
    kit.restart();
    assertEquals(before, kit.getState());
    assertTrue(record("e2", "item-7", EventType.ADD_TO_CART, 2_000L).duplicate());
  }

  @Test
  void pushesSlateToSubscriberAfterEachEvent() {
    TestProbe<UserProfile.StreamMessage> sub = TESTKIT.createTestProbe();
    kit.runCommand(new UserProfile.Subscribe(sub.getRef(), 4));
    UserProfile.SlateReply first = sub.expectMessageClass(UserProfile.SlateReply.class);
    assertEquals("subscribe", first.trigger());
    record("e1", "item-9", EventType.CLICK, 1_000L);
    UserProfile.SlateReply pushed = sub.expectMessageClass(UserProfile.SlateReply.class);
    assertEquals("event", pushed.trigger());
    assertEquals(4, pushed.items().size());
    assertFalse(pushed.items().stream().anyMatch(i -> i.itemId().equals("item-9")), "fresh slate");
  }

  @Test
  void forgetDeletesJournalAndSnapshotsThenStartsFresh() {
    record("f1", "item-1", EventType.VIEW, 1_000L);
    recommend(3, List.of());
    record("f2", "item-4", EventType.PURCHASE, 2_000L);
    var result = kit.<StatusReply<Done>>runCommand(UserProfile.Forget::new);
    assertTrue(result.reply().isSuccess());
    assertEquals(0, kit.getState().eventCount());
    assertEquals(0, kit.getState().slatesServed());
    PersistenceTestKit journal = PersistenceTestKit.create(TESTKIT.system());
    String pid = PersistenceId.of(UserProfile.TYPE_KEY.name(), userId).id();
    assertEquals(
        List.of(), journal.persistedInStorage(pid), "every event up to the forget is gone");
    kit.restart();
    assertEquals(0, kit.getState().eventCount(), "recovers empty");
    assertFalse(record("f1", "item-1", EventType.VIEW, 3_000L).duplicate(), "ids forgotten too");
    assertEquals(1, kit.getState().eventCount());
  }

  @Test
  void slateIdsStayUniqueAcrossForgetAndRecreation() {
    // The slate count restarts at 1 after a forget; the ids used to restart with it ("u/1"), so a
    // re-created user's first slate had the forgotten user's first slate's id.
    record("g1", "item-1", EventType.VIEW, 1_000L);
    String before = recommend(3, List.of()).slateId();
    assertTrue(kit.<StatusReply<Done>>runCommand(UserProfile.Forget::new).reply().isSuccess());
    record("g2", "item-2", EventType.VIEW, 2_000L);
    String after = recommend(3, List.of()).slateId();
    assertTrue(before.startsWith(userId + "/1.") && after.startsWith(userId + "/1."), after);
    assertNotEquals(before, after, "the re-created user's first slate has a new id");
    assertEquals(after, kit.getState().pending().slateId(), "the id is the persisted one");
    kit.restart();
    assertEquals(after, kit.getState().pending().slateId(), "replay keeps the stored id");
  }

  @Test
  void forgetPurgesUpToTheForgottenEventAndHoldsOtherCommandsUntilThen() {
    var purged = new java.util.concurrent.CompletableFuture<Done>();
    var calls = new java.util.concurrent.CopyOnWriteArrayList<String>();
    HistoryPurge purge =
        (pid, to) -> {
          calls.add(pid + "@" + to);
          return purged;
        };
    String id = "purge-" + UUID.randomUUID();
    ActorRef<UserProfile.Command> user =
        TESTKIT.spawn(UserProfile.create(id, deps.withPurge(purge)));
    TestProbe<StatusReply<UserProfile.Recorded>> recorded = TESTKIT.createTestProbe();
    user.tell(
        new UserProfile.RecordInteraction(
            "p1", "item-1", EventType.VIEW, 1_000L, null, recorded.getRef()));
    assertEquals(1, recorded.receiveMessage().getValue().eventCount());
    TestProbe<StatusReply<Done>> forgot = TESTKIT.createTestProbe();
    user.tell(new UserProfile.Forget(forgot.getRef()));
    user.tell(
        new UserProfile.RecordInteraction(
            "p2", "item-2", EventType.VIEW, 2_000L, null, recorded.getRef()));
    forgot.expectNoMessage(java.time.Duration.ofMillis(300));
    recorded.expectNoMessage(java.time.Duration.ZERO);
    // seq 1 = p1, seq 2 = UserForgotten: the purge covers both and nothing after.
    assertEquals(List.of(UserProfile.persistenceIdOf(id).id() + "@2"), calls);
    purged.complete(Done.done());
    assertTrue(forgot.receiveMessage().isSuccess());
    UserProfile.Recorded after = recorded.receiveMessage().getValue();
    assertEquals(1, after.eventCount(), "the event sent during the forget starts the new history");
    assertFalse(after.duplicate());
  }

  @Test
  void aFailedPurgeFailsTheForgetAndReleasesTheHeldCommands() {
    HistoryPurge failing =
        (pid, to) ->
            java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("disk"));
    ActorRef<UserProfile.Command> user =
        TESTKIT.spawn(UserProfile.create("fail-" + UUID.randomUUID(), deps.withPurge(failing)));
    TestProbe<StatusReply<Done>> forgot = TESTKIT.createTestProbe();
    TestProbe<StatusReply<UserProfile.Recorded>> recorded = TESTKIT.createTestProbe();
    user.tell(new UserProfile.Forget(forgot.getRef()));
    user.tell(
        new UserProfile.RecordInteraction(
            "q1", "item-2", EventType.VIEW, 2_000L, null, recorded.getRef()));
    assertTrue(forgot.receiveMessage().isError(), "a failed purge is a failed forget (retry)");
    assertTrue(recorded.receiveMessage().isSuccess());
  }

  @Test
  void snapshotOfAnActiveUserStaysSmall() throws Exception {
    for (int i = 0; i < 60; i++) {
      record("s" + i, "item-" + (i % ITEMS), EventType.CLICK, 1_000L * i);
      if (i % 5 == 0) {
        recommend(10, List.of());
      }
    }
    UserState state = kit.getState();
    var serialization =
        akka.serialization.SerializationExtension.get(
            akka.actor.typed.javadsl.Adapter.toClassic(TESTKIT.system()));
    byte[] bytes = serialization.serialize(state).get();
    // 50 recent item ids, 60 event ids, a 10-slot pending slate with 18 features each (the
    // default TWO_TRENDS layout), the packed 18x18 data-only statistics and an 8-d session
    // embedding.
    assertEquals(18, state.policyState().dim());
    assertTrue(bytes.length < 4096, "snapshot bytes " + bytes.length);
    byte[] policy =
        akka.serialization.jackson.JacksonObjectMapperProvider.get(TESTKIT.system())
            .getOrCreate("jackson-cbor", java.util.Optional.empty())
            .writeValueAsBytes(state.policyState());
    System.out.printf(
        "UserState snapshot %d bytes, policy state %d bytes at k = 18%n",
        bytes.length, policy.length);
    assertTrue(policy.length <= 2048, "policy state bytes " + policy.length);
  }

  @Test
  void splitsUsersOverPoliciesByHashedId() {
    UserProfileSettings base = UserProfileSettings.fromConfig(ConfigFactory.load());
    UserProfileSettings ab =
        UserProfileSettings.fromConfig(
            ConfigFactory.parseString("carousel.user-profile.policies = [epsilon-greedy, linucb]")
                .withFallback(ConfigFactory.load()));
    ProfileDependencies deps =
        ProfileDependencies.of(
            new ModelView(
                "m",
                new Catalog(List.of(new Item("a", "", ""))),
                new float[1][DIM],
                new float[1],
                new ContextFeatures(DIM, 7)),
            null,
            ab,
            Clock.systemUTC());
    int ucb = 0;
    for (int u = 0; u < 1000; u++) {
      String id = "user-" + u;
      String policy = deps.policyFor(id).id();
      assertEquals(policy, deps.policyFor(id).id(), "stable per user");
      ucb += policy.equals("linucb") ? 1 : 0;
    }
    assertTrue(ucb > 400 && ucb < 600, "balanced split: " + ucb + " of 1000");
    assertEquals(List.of("epsilon-greedy"), base.policies());
  }

  @Test
  void summaryCountsEventsByType() {
    record("a", "item-1", EventType.VIEW, 1_000L);
    record("b", "item-2", EventType.VIEW, 2_000L);
    record("c", "item-2", EventType.PURCHASE, 3_000L);
    TestProbe<StatusReply<ProfileSummary>> probe = TESTKIT.createTestProbe();
    kit.runCommand(new UserProfile.GetSummary(probe.getRef()));
    ProfileSummary s = probe.receiveMessage().getValue();
    assertEquals(2L, s.eventsByType().get("view"));
    assertEquals(1L, s.eventsByType().get("purchase"));
    assertEquals(0L, s.eventsByType().get("click"));
    assertEquals(3_000L, s.lastEventTimeMs());
  }
}
