package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.carousel.http.journal.JournalReader;
import io.carousel.http.privacy.UserIds;
import io.carousel.offline.ope.ServedLog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Pseudonymous user ids on the embedded H2 journal, as {@code serve --user-id-key FILE} runs it:
 * real routes with API keys, sharded user actors, snapshots every 3 events. Events go in as one
 * JSON event and as an NDJSON batch of two users, slates come out over GET and the WebSocket, a
 * click on a served slate earns its reward, a shopper token works for its own user. Then every cell
 * of every table (JDBC, not Akka) holds the pseudonym and never the shop's id, the {@code ope
 * --from-journal} rows and {@code /metrics} neither; every response names the shop's id; the log,
 * captured at DEBUG while all this ran, never does.
 */
class PseudonymousIdsTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String ADMIN = "k-admin-5c1f9a7e3d2b8064";

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void journalsSnapshotsLogsMetricsAndExportsHoldOnlyThePseudonym(@TempDir Path dir)
      throws Exception {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Path keyFile = Files.write(dir.resolve("user-id.key"), key);
    Path keys = Files.writeString(dir.resolve("keys"), ADMIN + " admin\n");
    String raw = "alice." + UUID.randomUUID() + "@shop.example";
    String raw2 = "bob." + UUID.randomUUID() + "@shop.example";
    UserIds ids = UserIds.keyed(key);
    String pseudo = ids.internal(raw);
    String pseudo2 = ids.internal(raw2);
    assertTrue(pseudo.matches("p_[A-Za-z0-9_-]{22}"), pseudo);

    ch.qos.logback.classic.Logger root =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    root.addAppender(log);
    Level level = root.getLevel();
    root.setLevel(Level.DEBUG);
    List<String> streamed = new CopyOnWriteArrayList<>();
    try (H2Node node =
        new H2Node(
            dir.resolve("data"),
            "akka.loglevel = DEBUG\n"
                + "carousel.user-profile.snapshot-every = 3\n"
                + "carousel.privacy.pseudonymize-user-ids = on\n"
                + "carousel.privacy.user-id-key-file = \""
                + keyFile
                + "\"\ncarousel.http.auth.api-keys-file = \""
                + keys
                + "\"\n")) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (post(node, "/v1/events", event(raw2, "w-0", "item-1", null)).statusCode() != 200) {
        assertTrue(System.nanoTime() < deadline, "node did not start answering");
      }
      HttpResponse<String> one = post(node, "/v1/events", event(raw, "e-0", "item-0", null));
      assertEquals("accepted", json(one).get("status").asText());
      HttpResponse<String> batch =
          post(
              node,
              "/v1/events",
              event(raw, "e-1", "item-1", null)
                  + "\n"
                  + event(raw2, "w-1", "item-2", null)
                  + "\n"
                  + event(raw, "e-2", "item-3", null)
                  + "\n");
      assertEquals(3, json(batch).get("accepted").asInt(), batch.body());

      WebSocket socket =
          HTTP.newWebSocketBuilder()
              .header("Authorization", "Bearer " + ADMIN)
              .buildAsync(
                  URI.create(
                      node.base().replace("http://", "ws://") + "/v1/users/" + raw + "/stream?k=3"),
                  new Collector(streamed))
              .get(20, TimeUnit.SECONDS);
      awaitMore(streamed, 0); // the subscription's first slate, before the requested one
      JsonNode slate = json(get(node, "/v1/users/" + raw + "/recommendations?k=3", ADMIN));
      assertEquals(raw, slate.get("userId").asText(), "the response names the shop's id");
      String slateId = slate.get("slateId").asText();
      assertTrue(slateId.startsWith(pseudo + "/"), "slate ids carry the pseudonym: " + slateId);
      String shown = slate.get("items").get(0).get("itemId").asText();
      int before = streamed.size();
      JsonNode click = json(post(node, "/v1/events", event(raw, "e-3", shown, slateId)));
      assertEquals("accepted", click.get("status").asText());
      awaitMore(streamed, before);

      String token =
          json(post(node, "/v1/tokens", "{\"userId\":\"" + raw + "\",\"ttlSeconds\":60}"))
              .get("token")
              .asText();
      JsonNode own = json(get(node, "/v1/users/" + raw + "/recommendations?k=2", token));
      assertEquals(raw, own.get("userId").asText(), "a token names the shop's id and works");
      assertEquals(403, get(node, "/v1/users/" + raw2 + "/recommendations", token).statusCode());

      JsonNode summary = json(get(node, "/v1/users/" + raw, ADMIN));
      assertEquals(raw, summary.get("userId").asText());
      assertEquals(4, summary.get("eventCount").asLong(), summary.toString());
      assertEquals(1.0, summary.get("rewardSum").asDouble(), 1e-9, "the click was credited");
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
      assertFalse(streamed.isEmpty());
      for (String m : streamed) {
        assertTrue(m.contains("\"userId\":\"" + raw + "\""), m);
      }

      awaitSnapshot(node, "UserProfile|" + pseudo);
      try (Connection c = node.jdbc()) {
        assertEquals(List.of(), JournalScan.cellsHolding(c, raw), "no cell holds the shop's id");
        assertEquals(List.of(), JournalScan.cellsHolding(c, raw2));
        List<String> where = JournalScan.cellsHolding(c, pseudo);
        assertTrue(
            where.containsAll(
                List.of(
                    "event_journal.persistence_id",
                    "event_journal.event_payload",
                    "snapshot.persistence_id")),
            "the pseudonym is the persistence id and in SlateServed's slate id: " + where);
        assertFalse(JournalScan.cellsHolding(c, pseudo2).isEmpty());
      }
      Map<String, List<Object>> journal =
          JournalReader.read(
              node.kit.system(), JdbcReadJournal.Identifier(), Duration.ofSeconds(30));
      assertTrue(journal.containsKey("UserProfile|" + pseudo), journal.keySet().toString());
      Path export = dir.resolve("served.ndjson");
      ServedLog.writeNdjson(ServedLog.rows(journal), export);
      String exported = Files.readString(export);
      assertTrue(exported.contains(pseudo), "the export's rows are the pseudonym's");
      assertFalse(exported.contains(raw), "the export never holds the shop's id");

      HttpResponse<String> metrics = get(node, "/metrics", ADMIN);
      assertEquals(200, metrics.statusCode());
      assertFalse(metrics.body().contains(raw) || metrics.body().contains(pseudo));

      HttpResponse<String> forget = send(node, "DELETE", "/v1/users/" + raw, null, ADMIN);
      assertEquals(204, forget.statusCode(), forget.body());
      try (Connection c = node.jdbc()) {
        assertEquals(List.of(), JournalScan.cellsHolding(c, pseudo), "forgotten by pseudonym");
      }
    } finally {
      root.detachAppender(log);
      root.setLevel(level);
    }
    List<String> lines = new ArrayList<>();
    for (ILoggingEvent e : log.list) {
      StringBuilder line = new StringBuilder(e.getFormattedMessage());
      for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
        line.append(" | ").append(t.getMessage());
      }
      lines.add(line.toString());
    }
    assertTrue(lines.size() > 100, "DEBUG logging was captured: " + lines.size());
    List<String> leaks = lines.stream().filter(l -> l.contains(raw) || l.contains(raw2)).toList();
    assertEquals(List.of(), leaks, "no log line holds a shop's id");
    System.out.printf(
        "PSEUDONYM-TEST log lines %d, naming the pseudonym %d, the shop's id 0%n",
        lines.size(), lines.stream().filter(l -> l.contains(pseudo)).count());
  }

  private static void awaitMore(List<String> streamed, int before) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (streamed.size() <= before && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(streamed.size() > before, "a slate was pushed");
  }

  private static void awaitSnapshot(H2Node node, String pid) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try (Connection c = node.jdbc();
          var st =
              c.prepareStatement(
                  "SELECT COUNT(*) FROM \"snapshot\" WHERE \"persistence_id\" = ?")) {
        st.setString(1, pid);
        var rs = st.executeQuery();
        rs.next();
        if (rs.getLong(1) > 0) {
          return;
        }
      }
      assertTrue(System.nanoTime() < deadline, "no snapshot of " + pid);
      Thread.sleep(50);
    }
  }

  /** Collects each complete text message of the stream. */
  private static final class Collector implements WebSocket.Listener {
    private final List<String> messages;
    private final StringBuilder partial = new StringBuilder();

    Collector(List<String> messages) {
      this.messages = messages;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        messages.add(partial.toString());
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }
  }

  private static String event(String user, String eventId, String item, String slateId) {
    return "{\"eventId\":\""
        + eventId
        + "\",\"userId\":\""
        + user
        + "\",\"itemId\":\""
        + item
        + (slateId == null ? "" : "\",\"slateId\":\"" + slateId)
        + "\",\"type\":\"click\",\"timestamp\":\"2026-11-29T10:00:00Z\"}";
  }

  private static HttpResponse<String> post(H2Node node, String path, String body) throws Exception {
    return send(node, "POST", path, body, ADMIN);
  }

  private static HttpResponse<String> get(H2Node node, String path, String credential)
      throws Exception {
    return send(node, "GET", path, null, credential);
  }

  private static HttpResponse<String> send(
      H2Node node, String method, String path, String body, String credential) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(node.base() + path))
            .timeout(Duration.ofSeconds(20))
            .header("Authorization", "Bearer " + credential);
    if (body != null) {
      b.header("Content-Type", body.endsWith("\n") ? "application/x-ndjson" : "application/json");
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    assertEquals(200, r.statusCode(), r.body());
    return Json.MAPPER.readTree(r.body());
  }
}
