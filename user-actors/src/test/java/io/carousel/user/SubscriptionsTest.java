package io.carousel.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.pattern.StatusReply;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import com.typesafe.config.ConfigFactory;
import io.carousel.policy.EventType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Who gets which slate: per-subscription sizes, request slates, the per-user cap, forgetting. */
class SubscriptionsTest {
  private static final ActorTestKit TESTKIT =
      ActorTestKit.create(
          ConfigFactory.parseString("carousel.user-profile.max-subscribers = 3")
              .withFallback(EventSourcedBehaviorTestKit.config())
              .withFallback(ConfigFactory.load()));

  private EventSourcedBehaviorTestKit<UserProfile.Command, UserProfile.Event, UserState> kit;

  @AfterAll
  static void shutdown() {
    TESTKIT.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    FakeScoring fake = new FakeScoring();
    ProfileDependencies deps =
        ProfileDependencies.of(
            TestModel.view(),
            TESTKIT.spawn(fake.behavior(TestModel.ITEMS)),
            UserProfileSettings.fromConfig(TESTKIT.system().settings().config()),
            TestModel.CLOCK);
    kit =
        EventSourcedBehaviorTestKit.create(
            TESTKIT.system(), UserProfile.create("user-" + UUID.randomUUID(), deps));
  }

  private void record(String eventId, String item) {
    kit.<StatusReply<UserProfile.Recorded>>runCommand(
        r -> new UserProfile.RecordInteraction(eventId, item, EventType.CLICK, 1_000L, null, r));
  }

  private TestProbe<UserProfile.StreamMessage> subscribe(int k) {
    TestProbe<UserProfile.StreamMessage> sub = TESTKIT.createTestProbe();
    kit.runCommand(new UserProfile.Subscribe(sub.getRef(), k));
    UserProfile.SlateReply first = sub.expectMessageClass(UserProfile.SlateReply.class);
    assertEquals("subscribe", first.trigger());
    assertEquals(k, first.items().size());
    return sub;
  }

  @Test
  void eachSubscriptionGetsSlatesOfItsOwnSize() {
    TestProbe<UserProfile.StreamMessage> small = subscribe(3);
    TestProbe<UserProfile.StreamMessage> large = subscribe(7);
    small.expectNoMessage(Duration.ofMillis(100));
    record("e1", "item-9");
    UserProfile.SlateReply toSmall = small.expectMessageClass(UserProfile.SlateReply.class);
    UserProfile.SlateReply toLarge = large.expectMessageClass(UserProfile.SlateReply.class);
    assertEquals(3, toSmall.items().size());
    assertEquals(7, toLarge.items().size());
    assertTrue(!toSmall.slateId().equals(toLarge.slateId()), "two slates, each logged");
    small.expectNoMessage(Duration.ofMillis(200));
    large.expectNoMessage(Duration.ofMillis(1));
  }

  @Test
  void aRequestedSlateIsNeverPushedToSubscribers() {
    TestProbe<UserProfile.StreamMessage> sub = subscribe(3);
    var reply =
        kit.<StatusReply<UserProfile.SlateReply>>runCommand(
            r -> new UserProfile.Recommend(5, List.of("item-1", "item-2"), null, r));
    assertEquals(5, reply.reply().getValue().items().size());
    sub.expectNoMessage(Duration.ofMillis(300));
  }

  @Test
  void aSubscriberBeyondTheCapIsRefusedWithAReason() {
    List<TestProbe<UserProfile.StreamMessage>> admitted = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      admitted.add(subscribe(4));
    }
    TestProbe<UserProfile.StreamMessage> extra = TESTKIT.createTestProbe();
    kit.runCommand(new UserProfile.Subscribe(extra.getRef(), 4));
    UserProfile.StreamClosed closed = extra.expectMessageClass(UserProfile.StreamClosed.class);
    assertEquals("too-many-subscribers", closed.code());
    record("e1", "item-9");
    for (TestProbe<UserProfile.StreamMessage> sub : admitted) {
      assertEquals("event", sub.expectMessageClass(UserProfile.SlateReply.class).trigger());
    }
    extra.expectNoMessage(Duration.ofMillis(200));
    // A renewal of an admitted subscription is not a new one: still admitted, nothing pushed.
    kit.runCommand(new UserProfile.Subscribe(admitted.get(0).getRef(), 4));
    admitted.get(0).expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void forgettingClosesEveryStreamAndPushesNothingAfter() {
    TestProbe<UserProfile.StreamMessage> sub = subscribe(4);
    record("e1", "item-9");
    sub.expectMessageClass(UserProfile.SlateReply.class);
    var result = kit.<StatusReply<Done>>runCommand(UserProfile.Forget::new);
    assertTrue(result.reply().isSuccess());
    assertEquals(
        UserProfile.CLOSED_FORGOTTEN,
        sub.expectMessageClass(UserProfile.StreamClosed.class).code());
    record("e2", "item-3");
    sub.expectNoMessage(Duration.ofMillis(300));
  }
}
