package io.carousel.http.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import akka.persistence.jdbc.testkit.javadsl.SchemaUtils;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import io.carousel.offline.ope.ServedLog;
import io.carousel.offline.ope.ServedLogTest;
import io.carousel.user.UserProfile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads real UserProfile events back from an H2 journal in a temporary data directory. */
class JournalReaderTest {

  /** Persists the given events under {@code UserProfile|<id>}, then acks. */
  record Write(List<UserProfile.Event> events, ActorRef<String> replyTo) {}

  static Behavior<Write> writer(String id) {
    return new EventSourcedBehavior<Write, UserProfile.Event, String>(
        PersistenceId.of(UserProfile.TYPE_KEY.name(), id)) {
      @Override
      public String emptyState() {
        return "";
      }

      @Override
      public CommandHandler<Write, UserProfile.Event, String> commandHandler() {
        return (state, c) -> Effect().persist(c.events()).thenRun(s -> c.replyTo().tell("ok"));
      }

      @Override
      public EventHandler<String, UserProfile.Event> eventHandler() {
        return (state, e) -> state;
      }
    };
  }

  @Test
  void readsEveryUserProfileEventInSequenceOrder(@TempDir Path dataDir) throws Exception {
    ActorTestKit kit = ActorTestKit.create("journal-reader", JournalReader.embeddedConfig(dataDir));
    try {
      SchemaUtils.createIfNotExists(kit.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
      TestProbe<String> probe = kit.createTestProbe();
      List<UserProfile.Event> events =
          List.of(
              ServedLogTest.slate("u1/1", List.of("a", "b"), 0.95, 0.05),
              new UserProfile.RewardObserved("u1/1", "b", 1.0, new float[] {1f, 0.9f}));
      kit.spawn(writer("u1")).tell(new Write(events, probe.ref()));
      probe.expectMessage(Duration.ofSeconds(30), "ok");
      Map<String, List<Object>> read =
          JournalReader.read(kit.system(), JdbcReadJournal.Identifier(), Duration.ofSeconds(30));
      assertEquals(List.of("UserProfile|u1"), List.copyOf(read.keySet()));
      List<ServedLog.Row> rows = ServedLog.rows(read);
      assertEquals(2, rows.size());
      assertEquals("b", rows.get(1).itemId());
      assertEquals(1.0, rows.get(1).reward(), 0);
      assertEquals(0.0, rows.get(0).reward(), 0);
    } finally {
      kit.shutdownTestKit();
    }
  }
}
