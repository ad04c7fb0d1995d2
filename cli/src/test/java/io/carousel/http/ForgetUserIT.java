package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
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
 * akka_snapshot.snapshots} are checked with CQL through the DataStax driver, not through Akka; what
 * remains ({@code akka.metadata.deleted_to} and the id in {@code akka.all_persistence_ids}) is
 * asserted too. A later event, also after a restart of the server, starts a fresh user.
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
      Row meta =
          CassandraNode.session()
              .execute("SELECT deleted_to FROM akka.metadata WHERE persistence_id = ?", pid)
              .one();
      assertTrue(meta != null && meta.getLong(0) >= 9, "deleted_to covers UserForgotten");
      System.out.printf(
          "FORGET-IT pid=%s messages=0 snapshots=0 remaining: akka.metadata deleted_to=%d,"
              + " akka.all_persistence_ids row=%s%n",
          pid, meta.getLong(0), allPersistenceIdsHas(pid));

      assertEquals(200, postEvent(node, userId, "after-1", "item-20", t0 + 60_000));
      JsonNode fresh = summary(node, userId);
      assertEquals(1, fresh.get("eventCount").asLong(), fresh.toString());
      assertEquals("item-20", fresh.get("recentItems").get(0).asText());
      assertEquals(1, fresh.get("recentItems").size());
      assertEquals(1, messages(pid), "only the new event is in the journal");
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
