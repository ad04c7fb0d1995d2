package io.carousel.user;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A snapshot written before the idempotency window held fingerprints (committed fixture, written by
 * that code) read through the real Akka Jackson CBOR serializer and {@link UserStateMigration}.
 */
class UserStateMigrationTest {
  private static final ActorTestKit KIT = ActorTestKit.create("state-migration");
  private static final Serialization SERIALIZATION = SerializationExtension.get(KIT.system());
  private static final String V1_MANIFEST = UserState.class.getName();

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  private static UserState readFixture() throws IOException {
    return readFixture("/fixtures/user-state-snapshot-v1.json");
  }

  private static UserState readFixture(String resource) throws IOException {
    return readFixture(resource, V1_MANIFEST);
  }

  private static UserState readFixture(String resource, String manifest) throws IOException {
    byte[] bytes;
    try (InputStream in = UserStateMigrationTest.class.getResourceAsStream(resource)) {
      bytes =
          new ObjectMapper(new CBORFactory()).writeValueAsBytes(new ObjectMapper().readTree(in));
    }
    int id = SERIALIZATION.serializerFor(UserState.class).identifier();
    return assertInstanceOf(UserState.class, SERIALIZATION.deserialize(bytes, id, manifest).get());
  }

  @Test
  void versionOneSnapshotKeepsItsIdempotencyWindow() throws IOException {
    UserState s = readFixture();
    assertEquals(3, s.recentEventFingerprints().size());
    assertTrue(s.hasEvent("legacy-e1"));
    assertTrue(s.hasEvent("legacy-e2"));
    assertTrue(s.hasEvent("8b0c1a5e-4f0e-4a53-9d57-0d1f3c2b7a10"));
    assertFalse(s.hasEvent("legacy-e3"));
    assertEquals(List.of("item-1", "item-2"), s.recentItems());
    assertEquals(3, s.eventCount());
    assertEquals(1, s.policyState().updates());
    assertEquals(0.5555556f, s.policyState().aInvUpper()[0], "a CBOR double read as a float");
  }

  /**
   * Version 3 kept the last 256 ids as a plain fingerprint array (fixture: the version-1 fixture
   * with its ids fingerprinted, as the version-3 code wrote it). They become one arrival bucket
   * stamped when read, so a retry of an event acknowledged before the upgrade stays a duplicate for
   * a full retention after it.
   */
  @Test
  void versionThreeFingerprintWindowBecomesOneBucketOfTheRetentionLog() throws IOException {
    long before = System.currentTimeMillis();
    UserState s = readFixture("/fixtures/user-state-snapshot-v3.json", V1_MANIFEST + "#3");
    EventIdLog log = s.recentEventFingerprints();
    assertEquals(3, log.size());
    assertTrue(s.hasEvent("legacy-e1"));
    assertTrue(s.hasEvent("8b0c1a5e-4f0e-4a53-9d57-0d1f3c2b7a10"));
    assertFalse(s.hasEvent("legacy-e3"));
    assertEquals(1, log.buckets().length);
    assertEquals(3, (int) log.buckets()[0], "one bucket holding the three ids");
    long startMinute = log.buckets()[0] >> 32;
    assertTrue(startMinute >= before / 60_000L, "stamped when read, not at the old event time");
    EventIdRetention week =
        new EventIdRetention(java.time.Duration.ofDays(7), java.time.Duration.ofDays(1), 10_000);
    EventIdLog sixDaysLater = log.with("next", before + 6 * 86_400_000L, week);
    assertTrue(sixDaysLater.contains("legacy-e2"), "kept a retention after the upgrade");
  }

  @Test
  void versionOnePendingSlateFeaturesAreFlattenedRowMajor() throws IOException {
    UserState s = readFixture("/fixtures/user-state-snapshot-v1-pending.json");
    PendingSlate p = s.pending();
    assertEquals("slate-legacy-1", p.slateId());
    assertEquals(List.of("item-3", "item-4"), p.itemIds());
    assertEquals(32, p.features().length);
    assertEquals(0.1f, p.featuresOf(0)[0]);
    assertEquals(1f, p.featuresOf(0)[1]);
    assertEquals(0.2f, p.featuresOf(1)[0]);
    assertEquals(1f, p.featuresOf(1)[2]);
    assertEquals(0f, p.featuresOf(1)[1]);
    assertArrayEquals(new boolean[] {false, true}, p.rewarded());
    assertTrue(p.rewardableSlotOf("item-3") == 0 && p.rewardableSlotOf("item-4") == -1);
  }

  @Test
  void rawBanditObservationsSurviveTheSnapshot() throws IOException {
    UserState s = readFixture();
    int k = s.policyState().dim();
    float[] x = new float[k];
    x[0] = 1f;
    x[k - 1] = 0.25f;
    UserState withRaw = s.withPolicyState(s.policyState().observe(x, 1.0), s.userStrength());
    assertEquals(1, withRaw.policyState().rawObservations());
    Serializer serializer = SERIALIZATION.findSerializerFor(withRaw);
    String manifest = Serializers.manifestFor(serializer, withRaw);
    UserState back =
        (UserState)
            SERIALIZATION
                .deserialize(
                    SERIALIZATION.serialize(withRaw).get(), serializer.identifier(), manifest)
                .get();
    assertEquals(withRaw, back);
    assertEquals(1, back.policyState().rawObservations());
    assertEquals(2, back.policyState().updates());
    assertArrayEquals(withRaw.posterior().aInv(), back.posterior().aInv());
  }

  @Test
  void writesVersionFiveAndReadsItBack() throws IOException {
    UserState s = readFixture();
    Serializer serializer = SERIALIZATION.findSerializerFor(s);
    String manifest = Serializers.manifestFor(serializer, s);
    assertEquals(V1_MANIFEST + "#5", manifest);
    UserState back =
        (UserState)
            SERIALIZATION
                .deserialize(SERIALIZATION.serialize(s).get(), serializer.identifier(), manifest)
                .get();
    assertEquals(s, back);
    assertEquals(s.recentEventFingerprints(), back.recentEventFingerprints());
  }

  @Test
  void aSlotAnOlderReleaseLearnedIsNeverLearnedAgainAndBestRewardsSurvive() throws IOException {
    UserState s = readFixture("/fixtures/user-state-snapshot-v1-pending.json");
    PendingSlate p = s.pending();
    assertEquals(null, p.rewards(), "no pending rewards before version 4");
    // Slot 1 (item-4) was learned on arrival by the older release: closing learns slot 0 only.
    PendingSlate.Closing closing = p.closing();
    assertEquals(1, closing.rewards().length);
    assertArrayEquals(p.featuresOf(0), closing.features()[0]);
    assertEquals(0.0, closing.rewards()[0]);

    BanditModel bandit = BanditModel.fixed(s.policyState().dim(), 1.0);
    UserState rewarded =
        s.onReward(
            new UserProfile.RewardObserved("slate-legacy-1", "item-3", 0.2, p.featuresOf(0)),
            bandit);
    assertEquals(s.policyState(), rewarded.policyState(), "learned when the slate closes");
    assertEquals(
        null,
        rewarded.rewardFor(
            new UserProfile.RecordInteraction(
                "e9", "item-4", io.carousel.policy.EventType.PURCHASE, 1L, null, null),
            new io.carousel.policy.RewardWeights(0.2, 1, 1, 1)),
        "a slot the older release learned earns nothing more");
    Serializer serializer = SERIALIZATION.findSerializerFor(rewarded);
    String manifest = Serializers.manifestFor(serializer, rewarded);
    UserState back =
        (UserState)
            SERIALIZATION
                .deserialize(
                    SERIALIZATION.serialize(rewarded).get(), serializer.identifier(), manifest)
                .get();
    assertEquals(rewarded, back);
    assertArrayEquals(new double[] {0.2, 0.0}, back.pending().rewards());
    assertArrayEquals(new boolean[] {false, true}, back.pending().rewarded());
  }
}
