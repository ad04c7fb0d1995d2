package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import io.carousel.offline.bench.cluster.SyntheticModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forgetting a shopper on a real Cassandra: a server in a child JVM ({@code serve --persistence
 * cassandra}, a snapshot every 3 events) records events and serves slates for a fresh user, then
 * {@code DELETE /v1/users/{id}}. The user's rows in {@code akka.messages} and {@code
 * akka_snapshot.snapshots} are checked with CQL through the DataStax driver, not through Akka, and
 * so are the bookkeeping rows the journal protocol leaves and the purge removes: no {@code
 * akka.metadata} row ({@code deleted_to}) and no {@code akka.all_persistence_ids} row. A later
 * event starts a fresh user at sequence number 1 (listed again), also after a restart.
 */
class ForgetUserIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void forgettingDeletesJournalRowsAndSnapshotsAndLaterEventStartsFresh(@TempDir Path dir)
      throws Exception {
    CassandraNode.ensureRunning();
    Path model = SyntheticModel.create(dir);
    List<String> jvmArgs =
        List.of(
            "-Dcarousel.cassandra.contact-point=" + CassandraNode.CONTACT_POINT,
            "-Dcarousel.user-profile.snapshot-every=3");
    String userId = "forget-" + UUID.randomUUID();
    String pid = UserProfileIds.persistenceId(userId);
    long t0 = Instant.now().minus(Duration.ofHours(1)).toEpochMilli();
    Path log = dir.resolve("child.log");
    try (ChildNode node = ChildNode.start("cassandra", dir.resolve("data"), model, log, jvmArgs)) {
      for (int i = 0; i < 7; i++) {
        assertEquals(200, postEvent(node, userId, "f-" + i, "item-" + i, t0 + i * 1000L));
      }
      assertEquals(200, get(node, "/v1/users/" + userId + "/recommendations?k=3").statusCode());
      awaitSnapshots(pid);
      assertTrue(messages(pid) >= 8, "7 interactions and a slate in akka.messages before");

      HttpResponse<String> deleted = send(node, HttpRequest.newBuilder().DELETE(), userId);
      assertEquals(204, deleted.statusCode(), deleted.body());

      assertEquals(0, messages(pid), "no journal row of the user in akka.messages");
      assertEquals(0, snapshots(pid), "no snapshot of the user in akka_snapshot.snapshots");
      // What the journal protocol leaves, the purge removes (JournalPurge): no metadata row
      // (deleted_to) and no all_persistence_ids row of the user. Both are tombstones on disk
      // until compaction after gc_grace_seconds.
      Row meta =
          CassandraNode.session()
              .execute("SELECT deleted_to FROM akka.metadata WHERE persistence_id = ?", pid)
              .one();
      assertEquals(null, meta, "no akka.metadata row (deleted_to) of the user");
      assertFalse(allPersistenceIdsHas(pid), "the user is not in akka.all_persistence_ids");
      System.out.printf(
          "FORGET-IT pid=%s messages=0 snapshots=0 metadata row=%s all_persistence_ids row=%s%n",
          pid, meta != null, allPersistenceIdsHas(pid));

      assertEquals(200, postEvent(node, userId, "after-1", "item-20", t0 + 60_000));
      JsonNode fresh = summary(node, userId);
      assertEquals(1, fresh.get("eventCount").asLong(), fresh.toString());
      assertEquals("item-20", fresh.get("recentItems").get(0).asText());
      assertEquals(1, fresh.get("recentItems").size());
      assertEquals(1, messages(pid), "only the new event is in the journal");
      assertEquals(
          List.of(1L), sequenceNumbers(pid), "the returning user starts at sequence number 1");
      assertTrue(allPersistenceIdsHas(pid), "listed again, as any new user (its first event)");
    }
    try (ChildNode again = ChildNode.start("cassandra", dir.resolve("data"), model, log, jvmArgs)) {
      JsonNode recovered = summary(again, userId);
      assertEquals(1, recovered.get("eventCount").asLong(), recovered.toString());
      assertEquals(0, recovered.get("slatesServed").asLong());
      assertFalse(recovered.get("recentItems").toString().contains("item-0"));
    }
  }

  private static void awaitSnapshots(String pid) throws InterruptedException {
    for (int attempt = 0; attempt < 100 && snapshots(pid) == 0; attempt++) {
      Thread.sleep(100);
    }
    assertTrue(snapshots(pid) > 0, "snapshot-every = 3 wrote a snapshot before the delete");
  }

  private static long messages(String pid) {
    return CassandraNode.session()
        .execute(
            "SELECT count(*) FROM akka.messages WHERE persistence_id = ? AND partition_nr = 0", pid)
        .one()
        .getLong(0);
  }

  private static long snapshots(String pid) {
    return CassandraNode.session()
        .execute("SELECT count(*) FROM akka_snapshot.snapshots WHERE persistence_id = ?", pid)
        .one()
        .getLong(0);
  }

  private static List<Long> sequenceNumbers(String pid) {
    return CassandraNode.session()
        .execute(
            "SELECT sequence_nr FROM akka.messages WHERE persistence_id = ? AND partition_nr = 0",
            pid)
        .all()
        .stream()
        .map(r -> r.getLong(0))
        .toList();
  }

  private static boolean allPersistenceIdsHas(String pid) {
    return CassandraNode.session()
            .execute(
                "SELECT persistence_id FROM akka.all_persistence_ids WHERE persistence_id = ?", pid)
            .one()
        != null;
  }

  private int postEvent(ChildNode node, String userId, String eventId, String item, long ts)
      throws Exception {
    String body =
        String.format(
            "{\"eventId\":\"%s\",\"userId\":\"%s\",\"itemId\":\"%s\",\"type\":\"click\","
                + "\"timestamp\":%d}",
            eventId, userId, item, ts);
    return http.send(
            HttpRequest.newBuilder(URI.create(node.base() + "/v1/events"))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  private HttpResponse<String> get(ChildNode node, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(node.base() + path)).timeout(TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> send(ChildNode node, HttpRequest.Builder b, String userId)
      throws Exception {
    return http.send(
        b.uri(URI.create(node.base() + "/v1/users/" + userId)).timeout(TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode summary(ChildNode node, String userId) throws Exception {
    HttpResponse<String> r = get(node, "/v1/users/" + userId);
    assertEquals(200, r.statusCode(), r.body());
    return Json.MAPPER.readTree(r.body());
  }
}
