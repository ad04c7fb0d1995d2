package io.carousel.user;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.pattern.StatusReply;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import com.typesafe.config.ConfigFactory;
import io.carousel.engine.Catalog;
import io.carousel.engine.Item;
import io.carousel.policy.ContextFeatures;
import io.carousel.policy.EventType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A user actor across a hot swap (ADR 0014): after the handle switched, its next slate is scored by
 * the new model's scoring actor only, assembled and labelled with the new version, its item ids map
 * through the new catalogue (whose indices differ), and the stored session vector is rebuilt in the
 * new model's space on the next event; availability and trends follow by item id.
 */
class ProfileSwapTest {
  private static final ActorTestKit TESTKIT =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));

  @AfterAll
  static void shutdown() {
    TESTKIT.shutdownTestKit();
  }

  @Test
  void theNextSlateAfterASwapIsTheNewModelsEndToEnd() {
    FakeScoring oldScoring = new FakeScoring();
    ProfileDependencies deps =
        ProfileDependencies.of(
            TestModel.view(),
            TESTKIT.spawn(oldScoring.behavior(TestModel.ITEMS)),
            UserProfileSettings.fromConfig(ConfigFactory.load()),
            TestModel.CLOCK);
    EventSourcedBehaviorTestKit<UserProfile.Command, UserProfile.Event, UserState> kit =
        EventSourcedBehaviorTestKit.create(
            TESTKIT.system(), UserProfile.create("u-" + UUID.randomUUID(), deps));
    kit.<StatusReply<UserProfile.Recorded>>runCommand(
        r -> new UserProfile.RecordInteraction("e1", "item-3", EventType.CLICK, 1_000L, null, r));
    deps.availability().applyDelta(List.of(new Catalogue.Availability("item-28", false, null)));
    deps.trends().observe(TestModel.view().catalog().indexOf("item-29"));
    float[] oldTrend29 = deps.trends().values(new int[] {29})[0];
    var before =
        kit.<StatusReply<UserProfile.SlateReply>>runCommand(
            r -> new UserProfile.Recommend(5, List.of(), null, r));
    assertEquals("test-model", before.reply().getValue().modelVersion());
    assertEquals(1, oldScoring.histories.size());

    // v2: the same items in reverse order (every index moves), one-hot vectors.
    List<Item> items = new ArrayList<>(TestModel.view().catalog().items());
    Collections.reverse(items);
    float[][] vectors = new float[items.size()][TestModel.DIM];
    for (int i = 0; i < items.size(); i++) {
      vectors[i][i % TestModel.DIM] = 1f;
    }
    ModelView v2 =
        new ModelView(
            "v2",
            new Catalog(items),
            vectors,
            new float[items.size()],
            new ContextFeatures(TestModel.DIM, 7));
    FakeScoring newScoring = new FakeScoring();
    ItemAvailability availability = deps.availability().rebase(v2.catalog(), a -> {}, List.of());
    ServingModel next =
        deps.rebase(
            v2,
            TESTKIT.spawn(newScoring.behavior(TestModel.ITEMS)),
            availability,
            io.carousel.engine.privacy.DpSettings.OFF);
    boolean[] retired = {false};
    deps.models().whenRetired(() -> retired[0] = true);
    deps.models().swap(next, null);
    assertTrue(retired[0], "no request held the old model: retired at once");

    // Availability and trends by id: item-28 (old index 28, new index 1) is still out of stock.
    assertTrue(!deps.availability().snapshot().available(v2.catalog().indexOf("item-28")));
    float[] trend29 = deps.trends().values(new int[] {v2.catalog().indexOf("item-29")})[0];
    assertArrayEquals(oldTrend29, trend29, 1e-6f);
    assertTrue(trend29.length > 0 && trend29[0] > 0, "the trend count moved with its item");

    var after =
        kit.<StatusReply<UserProfile.SlateReply>>runCommand(
            r -> new UserProfile.Recommend(5, List.of(), null, r));
    UserProfile.SlateReply slate = after.reply().getValue();
    assertEquals("v2", slate.modelVersion());
    assertEquals(1, oldScoring.histories.size(), "the old scorer got nothing after the swap");
    assertEquals(1, newScoring.histories.size());
    // The history the new scorer read is item-3 at its v2 index (26), not its v1 index (3).
    assertArrayEquals(new int[] {26}, newScoring.histories.get(0));
    List<String> served = slate.items().stream().map(UserProfile.SlateItem::itemId).toList();
    assertEquals(5, served.size(), served.toString());
    assertTrue(!served.contains("item-28") && !served.contains("item-3"), served.toString());

    // The next event rebuilds the stored session vector in v2's space, then updates it.
    kit.<StatusReply<UserProfile.Recorded>>runCommand(
        r -> new UserProfile.RecordInteraction("e2", "item-3", EventType.CLICK, 1_000L, null, r));
    float[] expected = new float[TestModel.DIM];
    expected[26 % TestModel.DIM] = 1f;
    assertArrayEquals(expected, kit.getState().session(), 1e-5f);
  }
}
