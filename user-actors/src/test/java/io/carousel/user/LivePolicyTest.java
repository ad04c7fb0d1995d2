package io.carousel.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.pattern.StatusReply;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import com.typesafe.config.ConfigFactory;
import io.carousel.engine.ScoringModel;
import io.carousel.policy.ContextFeatures;
import io.carousel.policy.EpsilonGreedySlatePolicy;
import io.carousel.policy.EventType;
import io.carousel.policy.LinUcbSlatePolicy;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The live path uses what the simulation chose: 18-d contexts with the node's trend popularities,
 * and each user's posterior centred on the node's pooled prior, so one user's clicks move another
 * user's ranking.
 */
class LivePolicyTest {
  private static final ActorTestKit TESTKIT =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private static final ActorRef<ScoringModel.Command> SCORING =
      TESTKIT.spawn(new FakeScoring().behavior(TestModel.ITEMS));
  // Greedy in the posterior mean, so a slate changes only when the posterior does.
  private static final String GREEDY = "carousel.user-profile.epsilon = 0\n";
  private static final String EPSILON = EpsilonGreedySlatePolicy.ID;

  @AfterAll
  static void shutdown() {
    TESTKIT.shutdownTestKit();
  }

  private static EventSourcedBehaviorTestKit<UserProfile.Command, UserProfile.Event, UserState>
      user(String id, ProfileDependencies deps) {
    return EventSourcedBehaviorTestKit.create(TESTKIT.system(), UserProfile.create(id, deps));
  }

  private static EventSourcedBehaviorTestKit.CommandResultWithReply<
          UserProfile.Command, UserProfile.Event, UserState, StatusReply<UserProfile.SlateReply>>
      recommend(
          EventSourcedBehaviorTestKit<UserProfile.Command, UserProfile.Event, UserState> kit,
          int k) {
    return kit.runCommand(r -> new UserProfile.Recommend(k, List.of(), null, r));
  }

  private static void record(
      EventSourcedBehaviorTestKit<UserProfile.Command, UserProfile.Event, UserState> kit,
      String item,
      EventType type) {
    var reply =
        kit.<StatusReply<UserProfile.Recorded>>runCommand(
                r ->
                    new UserProfile.RecordInteraction(
                        UUID.randomUUID().toString(), item, type, 1_000L, null, r))
            .reply();
    assertTrue(reply.isSuccess());
  }

  /**
   * Returns {@code kit} after one interaction on an item outside the catalogue: the shopper is
   * known (its slates are logged, {@link UserProfile#logs}) and still gets a cold-start slate.
   */
  private static EventSourcedBehaviorTestKit<UserProfile.Command, UserProfile.Event, UserState>
      known(EventSourcedBehaviorTestKit<UserProfile.Command, UserProfile.Event, UserState> kit) {
    record(kit, "not-in-catalogue", EventType.VIEW);
    return kit;
  }

  /** Other users each click the lowest-ranked item of their slates, three slates each. */
  private static void teach(ProfileDependencies deps, int users) {
    for (int u = 0; u < users; u++) {
      var kit = known(user("teacher-" + UUID.randomUUID(), deps));
      for (int round = 0; round < 3; round++) {
        List<UserProfile.SlateItem> items = recommend(kit, 10).reply().getValue().items();
        record(kit, items.get(items.size() - 1).itemId(), EventType.CLICK);
      }
      recommend(kit, 10); // turns the last slate's other impressions into reward 0
    }
  }

  private static List<String> slateOf(String userId, ProfileDependencies deps) {
    return recommend(user(userId, deps), 10).reply().getValue().items().stream()
        .map(UserProfile.SlateItem::itemId)
        .toList();
  }

  @Test
  void clicksOnOtherUsersSlatesShiftANewUsersRankingThroughThePool() {
    String newcomer = "newcomer-" + UUID.randomUUID();
    List<String> before = slateOf(newcomer, TestModel.deps(SCORING, GREEDY));

    ProfileDependencies pooled = TestModel.deps(SCORING, GREEDY);
    teach(pooled, 20);
    assertTrue(
        pooled.bandit().pool(EPSILON).impressions() >= 20 * 3 * 10, "every impression pooled");
    double scoreWeight = pooled.bandit().pool(EPSILON).snapshot().global().mean()[1];
    assertTrue(scoreWeight < 1.0, "the pool learnt to trust the model score less: " + scoreWeight);
    List<String> after = slateOf(newcomer, pooled);
    assertNotEquals(before, after, "the newcomer's ranking moved with the other users' clicks");

    // Control: the same clicks on a node without the pooled prior leave a new user's slate alone.
    ProfileDependencies fixed =
        TestModel.deps(SCORING, GREEDY + "carousel.user-profile.pooled-prior.enabled = off");
    teach(fixed, 20);
    assertEquals(null, fixed.bandit().pool(EPSILON));
    assertEquals(before, slateOf(newcomer, fixed));
  }

  @Test
  void eachPolicyOfAnABSplitLearnsItsOwnPool() {
    ProfileDependencies ab =
        TestModel.deps(
            SCORING, GREEDY + "carousel.user-profile.policies = [epsilon-greedy, linucb]");
    teach(ab, 30);
    long eps = ab.bandit().pool(EPSILON).impressions();
    long ucb = ab.bandit().pool(LinUcbSlatePolicy.ID).impressions();
    assertTrue(eps > 0 && ucb > 0, "both arms served: " + eps + ", " + ucb);
    // Every impression went to exactly one arm's pool: 30 teachers x 3 slates x 10 slots.
    assertEquals(30 * 3 * 10, eps + ucb);
  }

  @Test
  void servedContextsCarryTheNodesTrendPopularity() {
    ProfileDependencies deps = TestModel.deps(SCORING, GREEDY);
    assertEquals(ContextFeatures.Layout.TWO_TRENDS, deps.model().features().layout());
    var other = user("viewer-" + UUID.randomUUID(), deps);
    for (int i = 0; i < 5; i++) {
      record(other, "item-3", EventType.VIEW);
    }
    record(other, "item-5", EventType.VIEW);
    assertEquals(6, deps.trends().interactions());

    // A new shopper's cold-start slate: the ten most popular items, item-3 and item-5 among them.
    var result = recommend(known(user("fresh-" + UUID.randomUUID(), deps)), 10);
    var served = (UserProfile.SlateServed) result.event();
    int slot3 = served.itemIds().indexOf("item-3");
    int slot5 = served.itemIds().indexOf("item-5");
    int slot0 = served.itemIds().indexOf("item-0");
    assertTrue(slot3 >= 0 && slot5 >= 0 && slot0 >= 0, served.itemIds().toString());
    for (float[] x : served.features()) {
      assertEquals(18, x.length, "TWO_TRENDS contexts are persisted with the slate");
    }
    int trend = ContextFeatures.TREND_INDEX;
    assertEquals(1.0f, served.features()[slot3][trend], 1e-6f, "the most viewed item: 1");
    assertEquals(1.0f, served.features()[slot3][trend + 1], 1e-6f);
    float short5 = served.features()[slot5][trend];
    assertTrue(short5 > 0.2f && short5 < 1f, "viewed once: in (0, 1), got " + short5);
    assertEquals(0f, served.features()[slot0][trend], "never seen on this node: 0");
    assertEquals(0f, served.features()[slot0][trend + 1]);
  }

  @Test
  void standardLayoutAndFixedPriorRemainADeploymentOption() {
    ProfileDependencies deps =
        TestModel.deps(
            SCORING,
            "carousel.user-profile.trend-half-lives = []\n"
                + "carousel.user-profile.pooled-prior.enabled = off");
    assertEquals(ContextFeatures.Layout.STANDARD, deps.model().features().layout());
    var kit = known(user("classic-" + UUID.randomUUID(), deps));
    var served = (UserProfile.SlateServed) recommend(kit, 5).event();
    assertEquals(16, served.features()[0].length);
    assertEquals(0.0, kit.getState().userStrength(), "a full fixed-prior posterior");
    assertEquals(16, kit.getState().policyState().dim());
  }
}
