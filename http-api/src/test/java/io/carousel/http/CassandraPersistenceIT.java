package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.pattern.StatusReply;
import com.datastax.oss.driver.api.core.cql.Row;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.carousel.policy.EventType;
import io.carousel.user.ProfileDependencies;
import io.carousel.user.ProfileSummary;
import io.carousel.user.UserProfile;
import io.carousel.user.UserProfileSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link UserProfile} on a real Cassandra through the real akka-persistence-cassandra journal and
 * snapshot store, with the schema of {@code cluster-conf/cassandra/ddl.cql} (auto-create off, so
 * the DDL itself is under test). "Restart" terminates the actor system and starts a new one.
 */
class CassandraPersistenceIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final long T0 = Instant.parse("2026-11-29T10:00:00Z").toEpochMilli();

  @BeforeAll
  static void cassandra() {
    CassandraNode.ensureRunning();
  }

  private static Config config(int snapshotEvery) {
    return ConfigFactory.parseString(
            "akka.remote.artery.canonical.port = 0\n"
                // One session per incarnation; the old ones close asynchronously (0 = no warning).
                + "datastax-java-driver.advanced.session-leak.threshold = 0\n"
                + "akka.persistence.cassandra.journal.keyspace-autocreate = off\n"
                + "akka.persistence.cassandra.journal.tables-autocreate = off\n"
                + "akka.persistence.cassandra.snapshot.keyspace-autocreate = off\n"
                + "akka.persistence.cassandra.snapshot.tables-autocreate = off\n"
                + "carousel.cassandra.contact-point = \""
                + CassandraNode.CONTACT_POINT
                + "\"\n"
                + "carousel.user-profile.snapshot-every = "
                + snapshotEvery
                + "\n")
        .withFallback(ConfigFactory.parseResources("persistence-cassandra.conf"))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  /** One actor system with one user actor; closing it is the "crash" between incarnations. */
  private static final class Incarnation implements AutoCloseable {
    final ActorTestKit kit;
    final ActorRef<UserProfile.Command> user;

    Incarnation(String userId, int snapshotEvery) {
      Config config = config(snapshotEvery);
      kit = ActorTestKit.create("cassandra-it", config);
      ProfileDependencies deps =
          ProfileDependencies.of(
              FixedModel.view(),
              kit.spawn(FixedModel.scoring()),
              UserProfileSettings.fromConfig(config),
              Clock.systemUTC());
      user = kit.spawn(UserProfile.create(userId, deps));
    }

    UserProfile.Recorded record(String eventId, String itemId, long eventTimeMs) {
      TestProbe<StatusReply<UserProfile.Recorded>> probe = kit.createTestProbe();
      user.tell(
          new UserProfile.RecordInteraction(
              eventId, itemId, EventType.CLICK, eventTimeMs, null, probe.getRef()));
      StatusReply<UserProfile.Recorded> reply = probe.expectMessageClass(StatusReply.class, WAIT);
      assertTrue(reply.isSuccess(), () -> "recorded " + eventId + ": " + reply);
      return reply.getValue();
    }

    ProfileSummary summary() {
      TestProbe<StatusReply<ProfileSummary>> probe = kit.createTestProbe();
      user.tell(new UserProfile.GetSummary(probe.getRef()));
      return probe.receiveMessage(WAIT).getValue();
    }

    @Override
    public void close() {
      kit.shutdownTestKit();
    }
  }

  private static String freshUser() {
    return "it-" + UUID.randomUUID();
  }

  private static String persistenceId(String userId) {
    return UserProfile.TYPE_KEY.name() + "|" + userId;
  }

  private static long journalRows(String userId) {
    Row row =
        CassandraNode.session()
            .execute(
                "SELECT count(*) FROM akka.messages WHERE persistence_id = ? AND partition_nr = 0",
                persistenceId(userId))
            .one();
    return row.getLong(0);
  }

  private static List<Long> snapshotSequenceNrs(String userId) {
    return CassandraNode.session()
        .execute(
            "SELECT sequence_nr FROM akka_snapshot.snapshots WHERE persistence_id = ?",
            persistenceId(userId))
        .all()
        .stream()
        .map(r -> r.getLong("sequence_nr"))
        .toList();
  }

  @Test
  void keepsStateAfterRestart() {
    String userId = freshUser();
    ProfileSummary before;
    try (Incarnation first = new Incarnation(userId, 100)) {
      first.record("e1", "item-1", T0);
      first.record("e2", "item-2", T0 + 1_000);
      assertEquals(3, first.record("e3", "item-3", T0 + 2_000).eventCount());
      before = first.summary();
    }
    assertEquals(3, journalRows(userId), "three InteractionRecorded rows in akka.messages");
    try (Incarnation second = new Incarnation(userId, 100)) {
      ProfileSummary after = second.summary();
      assertEquals(3, after.eventCount());
      assertEquals(List.of("item-1", "item-2", "item-3"), after.recentItems());
      assertEquals(T0 + 2_000, after.lastEventTimeMs());
      assertEquals(before.eventsByType(), after.eventsByType());
      assertEquals(before.posteriorUpdates(), after.posteriorUpdates());
    }
  }

  @Test
  void recoversFromSnapshotWrittenToCassandra() throws InterruptedException {
    String userId = freshUser();
    try (Incarnation first = new Incarnation(userId, 5)) {
      for (int i = 1; i <= 12; i++) {
        first.record("e" + i, "item-" + i, T0 + i * 1_000L);
      }
      // Snapshots are written after the events, asynchronously: poll the table, bounded.
      List<Long> seqNrs = snapshotSequenceNrs(userId);
      for (int attempt = 0; attempt < 100 && !seqNrs.contains(10L); attempt++) {
        Thread.sleep(100);
        seqNrs = snapshotSequenceNrs(userId);
      }
      assertEquals(List.of(10L, 5L), seqNrs, "snapshots at events 5 and 10, newest first");
    }
    try (Incarnation second = new Incarnation(userId, 5)) {
      ProfileSummary after = second.summary();
      assertEquals(12, after.eventCount(), "snapshot at 10 plus events 11 and 12 replayed");
      assertEquals(T0 + 12_000, after.lastEventTimeMs());
      assertEquals("item-12", after.recentItems().get(after.recentItems().size() - 1));
      assertEquals(13, second.record("e13", "item-13", T0 + 13_000).eventCount());
    }
  }

  @Test
  void sameEventIdTwiceHasOneEffect() {
    String userId = freshUser();
    try (Incarnation first = new Incarnation(userId, 100)) {
      UserProfile.Recorded once = first.record("dup-1", "item-4", T0);
      UserProfile.Recorded twice = first.record("dup-1", "item-4", T0);
      assertFalse(once.duplicate());
      assertTrue(twice.duplicate());
      assertEquals(1, twice.eventCount());
    }
    try (Incarnation second = new Incarnation(userId, 100)) {
      UserProfile.Recorded afterRestart = second.record("dup-1", "item-4", T0);
      assertTrue(afterRestart.duplicate(), "the idempotency log survives recovery");
      assertEquals(1, second.summary().eventCount());
    }
    assertEquals(1, journalRows(userId), "one journal row for the repeated event id");
  }

  @Test
  void appliesOlderEventAfterNewerWithoutCrashing() {
    String userId = freshUser();
    long newer = T0 + 3_600_000;
    try (Incarnation first = new Incarnation(userId, 100)) {
      first.record("late-1", "item-5", newer);
      UserProfile.Recorded older = first.record("late-2", "item-6", T0);
      assertFalse(older.duplicate());
      assertEquals(2, older.eventCount());
      ProfileSummary s = first.summary();
      assertEquals(newer, s.lastEventTimeMs(), "the latest event time stays the newer one");
      assertEquals(List.of("item-5", "item-6"), s.recentItems());
      assertEquals(3, first.record("late-3", "item-7", newer + 1_000).eventCount());
    }
    try (Incarnation second = new Incarnation(userId, 100)) {
      ProfileSummary s = second.summary();
      assertEquals(3, s.eventCount(), "replay of an out-of-order journal does not fail");
      assertEquals(newer + 1_000, s.lastEventTimeMs());
    }
  }
}
