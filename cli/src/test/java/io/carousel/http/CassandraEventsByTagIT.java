package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.cassandra.query.javadsl.CassandraReadJournal;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.carousel.offline.bench.cluster.SyntheticModel;
import io.carousel.offline.living.LiveLog;
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
 * Training reads interactions on Cassandra too (ADR 0012 §1, addendum): a node on a real Cassandra
 * ({@code serve --persistence cassandra}, events-by-tag on) records interactions through {@code
 * POST /v1/events}; {@code LiveLog.read} over the Cassandra read journal finds every one of them,
 * once the eventual-consistency delay has passed. With events-by-tag off (before) it found none.
 * Also measures the write cost: one {@code tag_views} row per interaction.
 */
class CassandraEventsByTagIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void liveLogReadsInteractionsWrittenThroughANode(@TempDir Path dir) throws Exception {
    CassandraNode.ensureRunning();
    Path model = SyntheticModel.create(dir);
    List<String> jvmArgs =
        List.of(
            "-Dcarousel.cassandra.contact-point=" + CassandraNode.CONTACT_POINT,
            // off by default until forgetting deletes tag_views rows (persistence-cassandra.conf)
            "-Dakka.persistence.cassandra.events-by-tag.enabled=true");
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<String> users = List.of("tag-a-" + run, "tag-b-" + run);
    long t0 = Instant.now().minus(Duration.ofHours(1)).toEpochMilli();
    int perUser = 6;
    long lastWrite;
    try (ChildNode node =
        ChildNode.start(
            "cassandra", dir.resolve("data"), model, dir.resolve("child.log"), jvmArgs)) {
      for (String u : users) {
        for (int i = 0; i < perUser; i++) {
          assertEquals(200, postEvent(node, u, u + "-" + i, "item-" + i, t0 + i * 1000L));
        }
      }
      lastWrite = System.nanoTime();
      // A slate is persisted too (SlateServed), untagged: it must not reach tag_views.
      assertEquals(
          200,
          http.send(
                  HttpRequest.newBuilder(
                          URI.create(
                              node.base() + "/v1/users/" + users.get(0) + "/recommendations?k=3"))
                      .timeout(TIMEOUT)
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode());

      Config config =
          ConfigFactory.load(
              ConfigFactory.parseString(
                      "akka.actor.provider = local\n"
                          + "akka.persistence.cassandra.events-by-tag.enabled = true\n"
                          + "carousel.cassandra.contact-point = \""
                          + CassandraNode.CONTACT_POINT
                          + "\"\n")
                  .withFallback(ConfigFactory.parseResources("persistence-cassandra.conf")));
      ActorSystem<Void> reader = ActorSystem.create(Behaviors.empty(), "tag-reader", config);
      try {
        long ours = 0;
        long visibleAfterMs = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
          long t = System.nanoTime();
          LiveLog.Snapshot s = LiveLog.read(reader, CassandraReadJournal.Identifier(), TIMEOUT);
          ours = s.interactions().stream().filter(x -> users.contains(x.userId())).count();
          System.out.printf(
              "LiveLog.read: %d interactions (%d ours) in %d ms, %d ms after the last write%n",
              s.interactions().size(),
              ours,
              (System.nanoTime() - t) / 1_000_000,
              (System.nanoTime() - lastWrite) / 1_000_000);
          if (ours == users.size() * perUser) {
            visibleAfterMs = (System.nanoTime() - lastWrite) / 1_000_000;
            List<io.carousel.offline.data.Interaction> a =
                s.interactions().stream().filter(x -> x.userId().equals(users.get(0))).toList();
            assertEquals("item-0", a.get(0).itemId());
            assertEquals(t0, a.get(0).timestampMs());
            assertEquals("item-5", a.get(perUser - 1).itemId());
            break;
          }
          Thread.sleep(500);
        }
        assertEquals(users.size() * perUser, ours, "every interaction read by tag");
        System.out.println("all visible " + visibleAfterMs + " ms after the last write");
      } finally {
        reader.terminate();
      }
      for (String u : users) {
        String pid = UserProfileIds.persistenceId(u);
        long tagRows =
            CassandraNode.session()
                .execute(
                    "SELECT count(*) FROM akka.tag_views WHERE persistence_id = ? ALLOW FILTERING",
                    pid)
                .one()
                .getLong(0);
        long messages =
            CassandraNode.session()
                .execute(
                    "SELECT count(*) FROM akka.messages WHERE persistence_id = ? AND partition_nr = 0",
                    pid)
                .one()
                .getLong(0);
        long progress =
            CassandraNode.session()
                .execute(
                    "SELECT count(*) FROM akka.tag_write_progress WHERE persistence_id = ?", pid)
                .one()
                .getLong(0);
        System.out.printf(
            "%s: akka.messages %d rows, tag_views %d rows, tag_write_progress %d rows%n",
            u, messages, tagRows, progress);
        assertEquals(perUser, tagRows, "one tag_views row per interaction, none for slates");
        assertTrue(messages >= perUser);
      }
    }
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
}
