package io.carousel.http.journal;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.PersistenceQuery;
import akka.stream.javadsl.Sink;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.carousel.user.UserProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reads every user profile's events from a journal through Akka Persistence Query: {@code
 * currentPersistenceIds} filtered to {@code UserProfile|*}, then {@code
 * currentEventsByPersistenceId} for each, both finite snapshots of what is stored now.
 */
public final class JournalReader {

  private JournalReader() {}

  /**
   * Returns the events of every {@code UserProfile|*} persistence id (sorted by id, events in
   * sequence order) from the embedded H2 journal under {@code dataDir/journal}, starting and
   * stopping a local actor system; throws IllegalArgumentException if there is no journal there and
   * IllegalStateException if the query fails or takes longer than {@code timeout}.
   */
  public static Map<String, List<Object>> readEmbedded(Path dataDir, Duration timeout) {
    if (!Files.exists(dataDir.resolve("journal").resolve("carousel.mv.db"))) {
      throw new IllegalArgumentException(
          "no embedded journal at "
              + dataDir.toAbsolutePath().resolve("journal")
              + "; run ./carousel demo --data-dir "
              + dataDir
              + " first");
    }
    checkNotInUse(dataDir);
    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), "carousel-journal", embeddedConfig(dataDir));
    try {
      return read(system, JdbcReadJournal.Identifier(), timeout);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
    }
  }

  /**
   * Fails fast when another process (a running {@code serve} or {@code demo}) holds the H2 file:
   * the read journal would otherwise retry in silence until {@code timeout} and fail with
   * "TimeoutException: null". H2 refuses a second process at once (error 90020, database already
   * open).
   *
   * @throws IllegalArgumentException naming the journal when it is in use
   */
  static void checkNotInUse(Path dataDir) {
    checkNotInUse(
        embeddedConfig(dataDir).getConfig("akka-persistence-jdbc.shared-databases.slick.db"),
        dataDir.toAbsolutePath().resolve("journal").toString(),
        dataDir.toString());
  }

  /**
   * Fails fast when another process holds the embedded journal that {@code db} (the Slick database
   * block of the embedded persistence) opens; a journal that does not exist yet is fine.
   *
   * @param journal names the journal in the message
   * @param dataDir the data directory, for the hint
   * @throws IllegalArgumentException naming the journal when it is in use
   */
  public static void checkNotInUse(Config db, String journal, String dataDir) {
    try (java.sql.Connection c =
        java.sql.DriverManager.getConnection(
            // Without DB_CLOSE_DELAY=-1, closing this probe closes the file again.
            db.getString("url").replace(";DB_CLOSE_DELAY=-1", "") + ";IFEXISTS=TRUE",
            db.getString("user"),
            db.getString("password"))) {
      // opened and closed: nobody else holds the file
    } catch (java.sql.SQLException e) {
      if (e.getErrorCode() == org.h2.api.ErrorCode.DATABASE_ALREADY_OPEN_1) {
        throw new IllegalArgumentException(
            "the journal at "
                + journal
                + " is in use by another process (a carousel serve or demo on --data-dir "
                + dataDir
                + "?); stop it first");
      }
      // anything else (no journal yet, ...): the journal itself reports it
    }
  }

  /**
   * Returns how many user-profile events the embedded journal of {@code dataDir} holds, read with
   * one SQL count and without starting Akka; 0 when there is no journal yet. A demo checks it
   * before it embeds and trains: its replay's event ids are fixed, so on a used journal it would
   * only replay duplicates.
   *
   * @throws IllegalArgumentException when another process holds the journal
   */
  public static long storedUserEvents(Path dataDir) {
    checkNotInUse(dataDir);
    Config db =
        embeddedConfig(dataDir).getConfig("akka-persistence-jdbc.shared-databases.slick.db");
    try (java.sql.Connection c =
            java.sql.DriverManager.getConnection(
                db.getString("url").replace(";DB_CLOSE_DELAY=-1", "") + ";IFEXISTS=TRUE",
                db.getString("user"),
                db.getString("password"));
        java.sql.PreparedStatement count =
            c.prepareStatement(
                "SELECT COUNT(*) FROM \"event_journal\" WHERE \"persistence_id\" LIKE ?")) {
      count.setString(1, UserProfile.TYPE_KEY.name() + "|%");
      try (java.sql.ResultSet rs = count.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    } catch (java.sql.SQLException e) {
      int code = e.getErrorCode();
      if (code == org.h2.api.ErrorCode.DATABASE_NOT_FOUND_WITH_IF_EXISTS_1
          || code == org.h2.api.ErrorCode.TABLE_OR_VIEW_NOT_FOUND_1
          || code == org.h2.api.ErrorCode.TABLE_OR_VIEW_NOT_FOUND_DATABASE_EMPTY_1) {
        return 0; // no journal, or one whose schema was never created: nothing stored
      }
      throw new IllegalStateException("cannot read the journal under " + dataDir, e);
    }
  }

  /**
   * Returns the configuration of a local (non-cluster) system that reads the embedded journal of
   * {@code dataDir}: persistence-embedded.conf, serialization, and the modules' reference.conf.
   */
  public static Config embeddedConfig(Path dataDir) {
    return ConfigFactory.parseMap(
            Map.of(
                "carousel.data-dir", dataDir.toAbsolutePath().toString(),
                "akka.actor.provider", "local",
                "akka.loglevel", "WARNING"))
        .withFallback(ConfigFactory.parseResources("persistence-embedded.conf"))
        .withFallback(ConfigFactory.parseResources("serialization.conf"))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  /**
   * Returns the events of every {@code UserProfile|*} persistence id of the JDBC read journal
   * {@code readJournalId} configured in {@code system}, sorted by persistence id; throws
   * IllegalStateException if the query fails or exceeds {@code timeout}.
   */
  public static Map<String, List<Object>> read(
      ActorSystem<?> system, String readJournalId, Duration timeout) {
    JdbcReadJournal journal =
        PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, readJournalId);
    String prefix = UserProfile.TYPE_KEY.name() + "|";
    try {
      List<String> ids =
          new ArrayList<>(
              journal
                  .currentPersistenceIds()
                  .filter(id -> id.startsWith(prefix))
                  .runWith(Sink.seq(), system)
                  .toCompletableFuture()
                  .get(timeout.toMillis(), TimeUnit.MILLISECONDS));
      ids.sort(null);
      Map<String, List<Object>> out = new LinkedHashMap<>();
      for (String id : ids) {
        List<EventEnvelope> envelopes =
            journal
                .currentEventsByPersistenceId(id, 0L, Long.MAX_VALUE)
                .runWith(Sink.seq(), system)
                .toCompletableFuture()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        List<Object> events = new ArrayList<>(envelopes.size());
        envelopes.forEach(env -> events.add(env.event()));
        out.put(id, events);
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the journal", e);
    } catch (Exception e) {
      throw new IllegalStateException("reading the journal failed: " + e.getMessage(), e);
    }
  }
}
