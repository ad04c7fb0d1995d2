package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import com.fasterxml.jackson.databind.JsonNode;
import io.carousel.http.journal.JournalReader;
import io.carousel.offline.ope.ServedLog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the embedded H2 journal through the real routes: a user whose journal holds a row this build
 * cannot read gets a clear 500 naming the cause and can still be deleted; reads of never-seen user
 * ids write nothing; a known user's logged slate carries the propensities OPE reads.
 */
class UnreadableHistoryIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @TempDir static Path dataDir;
  private static H2Node node;

  @BeforeAll
  static void start() throws Exception {
    node = new H2Node(dataDir, "");
    // The first request of a fresh node waits for the cluster and shard allocation.
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (postEvent("warm-up", "w1", "item-1").statusCode() != 200) {
      assertTrue(System.nanoTime() < deadline, "node did not start answering");
    }
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static HttpResponse<String> send(String method, String path, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(node.base() + path)).timeout(Duration.ofSeconds(20));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> postEvent(String user, String eventId, String item)
      throws Exception {
    return send(
        "POST",
        "/v1/events",
        "{\"eventId\":\""
            + eventId
            + "\",\"userId\":\""
            + user
            + "\",\"itemId\":\""
            + item
            + "\",\"type\":\"click\",\"timestamp\":\"2026-11-29T10:00:00Z\"}");
  }

  private static long journalRows(String userPrefix) throws Exception {
    try (Connection c = node.jdbc();
        PreparedStatement st =
            c.prepareStatement(
                "SELECT COUNT(*) FROM \"event_journal\" WHERE \"persistence_id\" LIKE ?")) {
      st.setString(1, "UserProfile|" + userPrefix + "%");
      var rs = st.executeQuery();
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * Writes, for {@code user} (never touched on this node), a readable first row copied from {@code
   * template}'s first event and a second row with {@code payload} and {@code manifest} (null: the
   * template's).
   */
  private static void plantRows(String template, String user, byte[] payload, String manifest)
      throws Exception {
    try (Connection c = node.jdbc()) {
      String copy =
          "INSERT INTO \"event_journal\" (\"deleted\", \"persistence_id\", \"sequence_number\","
              + " \"writer\", \"write_timestamp\", \"adapter_manifest\", \"event_payload\","
              + " \"event_ser_id\", \"event_ser_manifest\") SELECT \"deleted\", ?, ?, \"writer\","
              + " \"write_timestamp\", \"adapter_manifest\", COALESCE(?, \"event_payload\"),"
              + " \"event_ser_id\", COALESCE(?, \"event_ser_manifest\") FROM \"event_journal\""
              + " WHERE \"persistence_id\" = ? AND \"sequence_number\" = 1";
      try (PreparedStatement st = c.prepareStatement(copy)) {
        st.setString(1, "UserProfile|" + user);
        st.setLong(2, 1);
        st.setBytes(3, null);
        st.setString(4, null);
        st.setString(5, "UserProfile|" + template);
        assertEquals(1, st.executeUpdate());
        st.setLong(2, 2);
        st.setBytes(3, payload);
        st.setString(4, manifest);
        assertEquals(1, st.executeUpdate());
      }
    }
  }

  private static void assertUnreadableThenDeletableThenFresh(String user, String cause)
      throws Exception {
    for (String path : List.of("/v1/users/" + user + "/recommendations", "/v1/users/" + user)) {
      HttpResponse<String> r = send("GET", path, null);
      assertEquals(500, r.statusCode(), path + ": " + r.body());
      JsonNode problem = Json.MAPPER.readTree(r.body());
      String detail = problem.get("detail").asText();
      assertTrue(detail.startsWith("unreadable history: user " + user), detail);
      assertTrue(detail.contains(cause), detail);
    }
    assertEquals(500, postEvent(user, "after-poison", "item-2").statusCode());

    assertEquals(204, send("DELETE", "/v1/users/" + user, null).statusCode());

    HttpResponse<String> fresh = postEvent(user, "fresh-1", "item-4");
    assertEquals(200, fresh.statusCode(), fresh.body());
    JsonNode profile = Json.MAPPER.readTree(send("GET", "/v1/users/" + user, null).body());
    assertEquals(1, profile.get("eventCount").asLong(), "the user starts fresh");
  }

  @Test
  void garbageJournalRowAnswers500NamingTheCauseAndDeleteStillForgets() throws Exception {
    String template = "tpl-" + UUID.randomUUID();
    assertEquals(200, postEvent(template, "t1", "item-1").statusCode());
    String user = "poison-" + UUID.randomUUID();
    plantRows(template, user, new byte[] {(byte) 0xff, 0x13, 0x37, 0x00, 0x42}, null);
    assertUnreadableThenDeletableThenFresh(user, "Exception");
  }

  @Test
  void eventVersionNewerThanThisBuildAnswers500AndDeleteStillForgets() throws Exception {
    String template = "tpl-" + UUID.randomUUID();
    assertEquals(200, postEvent(template, "t1", "item-1").statusCode());
    String user = "future-" + UUID.randomUUID();
    plantRows(template, user, null, "io.carousel.user.UserProfile$InteractionRecorded#99");
    assertUnreadableThenDeletableThenFresh(user, "99");
  }

  @Test
  void readsOfTwoThousandUnknownUsersWriteNoJournalRow() throws Exception {
    for (int i = 0; i < 2_000; i++) {
      HttpResponse<String> r =
          send("GET", "/v1/users/crawler-" + UUID.randomUUID() + "/recommendations?k=5", null);
      assertEquals(200, r.statusCode(), r.body());
      assertEquals("false", r.headers().firstValue("Carousel-Slate-Logged").orElse(null));
      assertTrue(Json.MAPPER.readTree(r.body()).get("slateId").isNull());
    }
    assertEquals(0, journalRows("crawler-"));
  }

  @Test
  void aKnownUsersSlateIsLoggedWithThePropensitiesItWasServedWith() throws Exception {
    String user = "known-" + UUID.randomUUID();
    assertEquals(200, postEvent(user, "k1", "item-1").statusCode());
    HttpResponse<String> r = send("GET", "/v1/users/" + user + "/recommendations?k=4", null);
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Carousel-Slate-Logged").isEmpty());
    JsonNode slate = Json.MAPPER.readTree(r.body());
    assertTrue(slate.get("slateId").asText().startsWith(user + "/1."), slate.toString());

    Map<String, List<Object>> journal =
        JournalReader.read(node.kit.system(), JdbcReadJournal.Identifier(), Duration.ofSeconds(30));
    List<ServedLog.Row> rows =
        ServedLog.rows(Map.of("UserProfile|" + user, journal.get("UserProfile|" + user)));
    assertEquals(4, rows.size());
    for (int j = 0; j < 4; j++) {
      JsonNode item = slate.get("items").get(j);
      assertEquals(item.get("itemId").asText(), rows.get(j).itemId());
      assertEquals(item.get("propensity").asDouble(), rows.get(j).propensity());
    }
  }
}
