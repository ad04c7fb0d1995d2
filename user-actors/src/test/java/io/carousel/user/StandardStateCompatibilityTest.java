package io.carousel.user;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.pattern.StatusReply;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.typesafe.config.ConfigFactory;
import io.carousel.engine.ScoringModel;
import io.carousel.policy.EventType;
import io.carousel.policy.LinearPosterior;
import io.carousel.policy.PackedPosterior;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Journals and snapshots written before the pooled prior and the trend features (16-d contexts, a
 * full posterior from the fixed prior, in double precision) still load on a node that serves 18-d
 * pooled slates. The fixtures in {@code fixtures/standard-16d/} were written by that earlier
 * UserProfile (a view, a 3-slot slate, a click on its second slot, a second slate; the snapshot is
 * {@code UserState} version 1, read through {@link UserStateMigration}) and are read through the
 * real Jackson CBOR serializer with the manifests a journal hands over (docs/decisions/0002). Never
 * regenerate them.
 */
class StandardStateCompatibilityTest {
  private static final ActorTestKit TESTKIT =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private static final Serialization SERIALIZATION =
      SerializationExtension.get(akka.actor.typed.javadsl.Adapter.toClassic(TESTKIT.system()));
  private static final ActorRef<ScoringModel.Command> SCORING =
      TESTKIT.spawn(new FakeScoring().behavior(TestModel.ITEMS));
  private static final String STANDARD_FIXED =
      "carousel.user-profile.trend-half-lives = []\n"
          + "carousel.user-profile.pooled-prior.enabled = off";

  @AfterAll
  static void shutdown() {
    TESTKIT.shutdownTestKit();
  }

  private static <T> T fixture(String name, Class<T> type) throws IOException {
    try (InputStream in =
        StandardStateCompatibilityTest.class.getResourceAsStream(
            "/fixtures/standard-16d/" + name + ".json")) {
      byte[] cbor =
          new ObjectMapper(new CBORFactory()).writeValueAsBytes(new ObjectMapper().readTree(in));
      int id = SERIALIZATION.serializerFor(type).identifier();
      return type.cast(SERIALIZATION.deserialize(cbor, id, type.getName()).get());
    }
  }

  @Test
  void aSlateServedRowWithoutModelVersionReadsAsNullAndReplays() throws IOException {
    // modelVersion has been in every SlateServed since the first release (fixtures here and in
    // journal-a2974e9 carry "test-model"); a row without it (a hand-written or foreign writer's)
    // still reads, with null, and replays: the hot swap (ADR 0014) added no required field.
    assertEquals(
        "test-model", fixture("slate-served", UserProfile.SlateServed.class).modelVersion());
    com.fasterxml.jackson.databind.node.ObjectNode row;
    try (InputStream in =
        getClass().getResourceAsStream("/fixtures/standard-16d/slate-served.json")) {
      row = (com.fasterxml.jackson.databind.node.ObjectNode) new ObjectMapper().readTree(in);
    }
    row.remove("modelVersion");
    byte[] cbor = new ObjectMapper(new CBORFactory()).writeValueAsBytes(row);
    int id = SERIALIZATION.serializerFor(UserProfile.SlateServed.class).identifier();
    UserProfile.SlateServed old =
        (UserProfile.SlateServed)
            SERIALIZATION.deserialize(cbor, id, UserProfile.SlateServed.class.getName()).get();
    assertEquals(null, old.modelVersion());
    assertEquals(3, old.itemIds().size());
    UserProfile.Event[] events = journal();
    events[1] = old;
    var kit = kit(TestModel.deps(SCORING, ""));
    kit.initialize(events);
    assertEquals(1.0, kit.getState().rewardSum());
    assertEquals(2, kit.getState().slatesServed());
  }

  /** The journal of the fixture user, in order. */
  private static UserProfile.Event[] journal() throws IOException {
    return new UserProfile.Event[] {
      new UserProfile.InteractionRecorded("e1", "item-3", EventType.VIEW, 1_000L, null, 0L),
      fixture("slate-served", UserProfile.SlateServed.class),
      new UserProfile.InteractionRecorded("e2", "item-1", EventType.CLICK, 2_000L, null, 0L),
      fixture("reward-observed", UserProfile.RewardObserved.class),
      fixture("slate-served-2", UserProfile.SlateServed.class)
    };
  }

  private static EventSourcedBehaviorTestKit<UserProfile.Command, UserProfile.Event, UserState> kit(
      ProfileDependencies deps) {
    return EventSourcedBehaviorTestKit.create(
        TESTKIT.system(), UserProfile.create("legacy-" + UUID.randomUUID(), deps));
  }

  @Test
  void convertsAStored16dFixedPriorSnapshotToThePooled18dForm() throws IOException {
    UserState old = fixture("final-state", UserState.class);
    assertEquals(0.0, old.userStrength(), "no field on old snapshots: the fixed prior");
    assertEquals(16, old.policyState().dim());
    assertEquals(3, old.policyState().updates());

    BanditModel pooled = TestModel.deps(SCORING, "").bandit();
    UserState now = pooled.adapt(old);
    assertEquals(18, now.policyState().dim());
    assertEquals(1000.0, now.userStrength());
    assertEquals(3, now.policyState().updates());
    // Data only: B_u = b - s·θ₀ with s = 1, θ₀[1] = 1; the two trend entries start at 0.
    // Stored in single precision (PackedPosterior), so compare to float rounding.
    double[] b = old.posterior().b();
    double[] bu = now.posterior().b();
    for (int i = 0; i < 16; i++) {
      assertEquals(b[i] - (i == 1 ? 1.0 : 0.0), bu[i], 1e-6, "B_u[" + i + "]");
    }
    assertEquals(0.0, bu[16]);
    assertEquals(0.0, bu[17]);
    // The conversion loses nothing beyond float rounding: back on the fixed 16-d prior it is the
    // stored posterior (recovering S = A_u - 1000·I from single-precision A_u⁻¹ costs ~1e-5).
    PackedPosterior back =
        TestModel.deps(SCORING, STANDARD_FIXED).bandit().convert(now.policyState(), 1000.0);
    assertArrayEquals(old.posterior().aInv(), back.unpack().aInv(), 1e-4);
    assertArrayEquals(old.posterior().b(), back.unpack().b(), 1e-4);
  }

  @Test
  void replaysA16dJournalIntoEitherForm() throws IOException {
    UserState recorded = fixture("final-state", UserState.class);
    var classic = kit(TestModel.deps(SCORING, STANDARD_FIXED));
    classic.initialize(journal());
    // Replays as recorded (the fixture kept doubles, today's state rounds each update to float).
    assertArrayEquals(recorded.posterior().aInv(), classic.getState().posterior().aInv(), 1e-6);
    assertArrayEquals(recorded.posterior().b(), classic.getState().posterior().b(), 1e-6);
    assertEquals(3, classic.getState().policyState().updates());
    assertEquals(recorded.pending().itemIds(), classic.getState().pending().itemIds());

    ProfileDependencies deps = TestModel.deps(SCORING, "");
    var pooled = kit(deps);
    pooled.initialize(journal());
    UserState s = pooled.getState();
    assertEquals(18, s.policyState().dim());
    assertEquals(1000.0, s.userStrength());
    assertEquals(3, s.policyState().updates());
    assertEquals(1.0, s.rewardSum());
    // Replaying the old events in the new form equals converting the old snapshot.
    LinearPosterior converted = deps.bandit().adapt(recorded).posterior();
    assertArrayEquals(converted.aInv(), s.posterior().aInv(), 1e-5);
    assertArrayEquals(converted.b(), s.posterior().b(), 1e-5);
  }

  @Test
  void recoversFromA16dSnapshotAndServes18dSlates() throws IOException {
    UserState old = fixture("final-state", UserState.class);
    var kit = kit(TestModel.deps(SCORING, ""));
    kit.initialize(old);
    var result =
        kit.<StatusReply<UserProfile.SlateReply>>runCommand(
            r -> new UserProfile.Recommend(4, List.of(), null, r));
    var served = assertInstanceOf(UserProfile.SlateServed.class, result.event());
    assertEquals(4, served.itemIds().size());
    assertEquals(18, served.features()[0].length);
    UserState s = kit.getState();
    assertEquals(18, s.policyState().dim());
    // The old pending slate's three unrewarded (16-d) impressions became reward-0 updates.
    assertEquals(6, s.policyState().updates());
    assertEquals(3, s.slatesServed());
    kit.restart();
    assertEquals(s, kit.getState(), "the converted state snapshots and recovers as it is");
  }
}
