package io.carousel.user;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.pattern.StatusReply;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import com.typesafe.config.ConfigFactory;
import io.carousel.engine.ScoringModel;
import io.carousel.policy.EventType;
import io.carousel.policy.PackedPosterior;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A slot's reward is the value of its strongest interaction within the slate's attribution window
 * (until the next slate is served), learned once: counters, the posterior and a recovery all end as
 * one observation of the strongest reward. Rewards: view 0.2, click/cart/purchase 1.0.
 */
class RewardAttributionTest {
  private static final ActorTestKit TESTKIT =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));

  private EventSourcedBehaviorTestKit<UserProfile.Command, UserProfile.Event, UserState> kit;
  private ProfileDependencies deps;

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
    kit =
        EventSourcedBehaviorTestKit.create(
            TESTKIT.system(), UserProfile.create("user-" + UUID.randomUUID(), deps));
    // A known shopper: only their slates are logged and can earn rewards.
    record("first", "item-9", EventType.VIEW, null);
  }

  @Test
  void viewThenPurchaseLearnsThePurchaseOnce() {
    assertStrongestLearnedOnce(EventType.VIEW, EventType.PURCHASE, 1.0, 2);
  }

  @Test
  void purchaseThenViewLearnsThePurchaseOnce() {
    assertStrongestLearnedOnce(EventType.PURCHASE, EventType.VIEW, 1.0, 1);
  }

  @Test
  void clickThenCartLearnsOneRewardOfOne() {
    assertStrongestLearnedOnce(EventType.CLICK, EventType.ADD_TO_CART, 1.0, 1);
  }

  @Test
  void viewAloneLearnsTheViewReward() {
    assertStrongestLearnedOnce(EventType.VIEW, EventType.VIEW, 0.2, 1);
  }

  @Test
  void anInteractionNamingAnOlderSlateEarnsNothing() {
    UserProfile.SlateReply first = recommend(3);
    recommend(3);
    String item = first.items().get(0).itemId();
    var result = record("late", item, EventType.PURCHASE, first.slateId());
    assertEquals(1, result.events().size(), "only the interaction: the window closed");
    assertEquals(0, result.state().rewardsObserved());
  }

  @Test
  void aSlateCountsOnceAsClickedForItsModelVersionAndAPurchaseAsAConversion() {
    // Champion/challenger's counts (ADR 0014): a view is no click; a slate is clicked once however
    // many of its items are; a purchase of a slate item is a conversion; the window closes with
    // the next slate.
    UserProfile.SlateReply slate = recommend(3);
    String v = slate.modelVersion();
    CarouselMetrics m = deps.metrics();
    assertEquals(new CarouselMetrics.ModelStats(v, 1, 0, 0), m.modelStatsOf(v));
    String item0 = slate.items().get(0).itemId();
    String item1 = slate.items().get(1).itemId();
    record("v", item0, EventType.VIEW, slate.slateId());
    assertEquals(new CarouselMetrics.ModelStats(v, 1, 0, 0), m.modelStatsOf(v));
    record("c", item0, EventType.CLICK, slate.slateId());
    record("c2", item1, EventType.CLICK, null);
    assertEquals(new CarouselMetrics.ModelStats(v, 1, 1, 0), m.modelStatsOf(v));
    record("p", item1, EventType.PURCHASE, null);
    assertEquals(new CarouselMetrics.ModelStats(v, 1, 1, 1), m.modelStatsOf(v));
    UserProfile.SlateReply next = recommend(3);
    record("late", item0, EventType.CLICK, slate.slateId());
    assertEquals(new CarouselMetrics.ModelStats(v, 2, 1, 1), m.modelStatsOf(v));
    record("n", next.items().get(2).itemId(), EventType.ADD_TO_CART, next.slateId());
    assertEquals(new CarouselMetrics.ModelStats(v, 2, 2, 1), m.modelStatsOf(v));
    assertEquals(0.5, m.modelStatsOf(v).conversionRate(), 1e-12);
  }

  /**
   * Serves a slate, records {@code first} then {@code second} on slot 1 (naming the slate), and
   * checks: {@code rewardEvents} RewardObserved events in all, rewardsObserved 1, rewardSum {@code
   * strongest}; after the next slate, the posterior equals the slate's slots observed once each
   * (slot 1 with {@code strongest}, the others 0), and a recovery rebuilds the same state.
   */
  private void assertStrongestLearnedOnce(
      EventType first, EventType second, double strongest, int rewardEvents) {
    UserProfile.SlateReply slate = recommend(3);
    UserState served = kit.getState();
    String item = slate.items().get(1).itemId();

    var a = record("a", item, first, slate.slateId());
    var b = record("b", item, second, slate.slateId());
    long rewards =
        a.events().stream().filter(UserProfile.RewardObserved.class::isInstance).count()
            + b.events().stream().filter(UserProfile.RewardObserved.class::isInstance).count();
    assertEquals(rewardEvents, rewards);
    assertEquals(1, b.state().rewardsObserved());
    assertEquals(strongest, b.state().rewardSum(), 1e-12);
    assertEquals(served.policyState(), b.state().policyState(), "nothing learned before close");

    recommend(3);
    PackedPosterior expected = served.policyState();
    for (int slot = 0; slot < 3; slot++) {
      float[] x = deps.bandit().fit(served.pending().featuresOf(slot));
      expected = expected.observe(x, slot == 1 ? strongest : 0.0);
    }
    UserState closed = kit.getState();
    assertEquals(1, closed.rewardsObserved());
    assertEquals(strongest, closed.rewardSum(), 1e-12);
    assertEquals(expected, closed.policyState());
    assertArrayEquals(expected.unpack().aInv(), closed.posterior().aInv());

    kit.restart();
    assertEquals(closed, kit.getState(), "replay gives the same state");
  }

  private UserProfile.SlateReply recommend(int k) {
    var result =
        kit.<StatusReply<UserProfile.SlateReply>>runCommand(
            r -> new UserProfile.Recommend(k, List.of(), null, r));
    return result.reply().getValue();
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<
          UserProfile.Command, UserProfile.Event, UserState, StatusReply<UserProfile.Recorded>>
      record(String eventId, String item, EventType type, String slateId) {
    var result =
        kit.<StatusReply<UserProfile.Recorded>>runCommand(
            r -> new UserProfile.RecordInteraction(eventId, item, type, 5_000L, slateId, r));
    assertInstanceOf(UserProfile.Recorded.class, result.reply().getValue());
    return result;
  }
}
