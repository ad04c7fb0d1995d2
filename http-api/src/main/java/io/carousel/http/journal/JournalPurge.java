package io.carousel.http.journal;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.stream.alpakka.cassandra.CassandraSessionSettings;
import akka.stream.alpakka.cassandra.javadsl.CassandraSession;
import akka.stream.alpakka.cassandra.javadsl.CassandraSessionRegistry;
import com.typesafe.config.Config;
import io.carousel.user.HistoryPurge;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The {@link HistoryPurge} of the configured journal: what is left of a forgotten user once the
 * journal protocol deleted its events and snapshots.
 *
 * <ul>
 *   <li><b>Embedded H2</b> (akka-persistence-jdbc 5.2.1): its {@code deleteMessagesTo} keeps the
 *       highest event row, marked {@code deleted}, so that the id's sequence numbers never restart.
 *       Deleted here, with any snapshot row up to the same number ({@code event_tag} rows go with
 *       their event: foreign key on delete cascade). A user who comes back starts at sequence
 *       number 1, as a user never seen (the user actor passivates after the forget).
 *   <li><b>Cassandra</b> (akka-persistence-cassandra 1.1.1): the protocol deletes the rows of
 *       {@code messages} and {@code snapshots}, and writes {@code metadata.deleted_to}; the id
 *       stays in {@code all_persistence_ids}. Both rows are deleted here (the plugin's {@code
 *       Cleanup.deleteAll(pid, neverUsePersistenceIdAgain = true)} does the same, but only for an
 *       actor that is not running and not for an id used again). Cassandra deletes by writing
 *       tombstones: the data stays on disk until compaction after {@code gc_grace_seconds}.
 * </ul>
 *
 * Any other journal (the in-memory test journal) purges nothing.
 */
public final class JournalPurge {
  private JournalPurge() {}

  /** Returns the purge of the journal {@code config} configures for {@code system}. */
  public static HistoryPurge of(ActorSystem<?> system, Config config) {
    String journal = config.getString("akka.persistence.journal.plugin");
    if (journal.equals("jdbc-journal")
        && config.hasPath("akka-persistence-jdbc.shared-databases.slick.db")) {
      Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
      return h2(config, blocking);
    }
    if (journal.startsWith("akka.persistence.cassandra")) {
      return cassandra(system, config);
    }
    return HistoryPurge.NONE;
  }

  /** The embedded H2 journal's purge; the SQL runs on {@code blocking}. */
  static HistoryPurge h2(Config config, Executor blocking) {
    Config db = config.getConfig("akka-persistence-jdbc.shared-databases.slick.db");
    String url = db.getString("url");
    String user = db.getString("user");
    String password = db.getString("password");
    String events =
        tableName(config, "jdbc-journal.tables.event_journal.tableName", "event_journal");
    String snapshots =
        tableName(config, "jdbc-snapshot-store.tables.snapshot.tableName", "snapshot");
    String deleteEvents =
        "DELETE FROM \"" + events + "\" WHERE \"persistence_id\" = ? AND \"sequence_number\" <= ?";
    String deleteSnapshots =
        "DELETE FROM \""
            + snapshots
            + "\" WHERE \"persistence_id\" = ? AND \"sequence_number\" <= ?";
    return (persistenceId, toSequenceNr) ->
        CompletableFuture.supplyAsync(
            () -> {
              try (Connection c = DriverManager.getConnection(url, user, password)) {
                c.setAutoCommit(false);
                for (String sql : new String[] {deleteEvents, deleteSnapshots}) {
                  try (PreparedStatement st = c.prepareStatement(sql)) {
                    st.setString(1, persistenceId);
                    st.setLong(2, toSequenceNr);
                    st.executeUpdate();
                  }
                }
                c.commit();
                return Done.done();
              } catch (SQLException e) {
                throw new CompletionException(e);
              }
            },
            blocking);
  }

  private static String tableName(Config config, String path, String fallback) {
    return config.hasPath(path) ? config.getString(path) : fallback;
  }

  /** The Cassandra journal's purge, through the plugin's own session. */
  static HistoryPurge cassandra(ActorSystem<?> system, Config config) {
    String keyspace = config.getString("akka.persistence.cassandra.journal.keyspace");
    String metadata =
        "DELETE FROM "
            + keyspace
            + "."
            + config.getString("akka.persistence.cassandra.journal.metadata-table")
            + " WHERE persistence_id = ?";
    String allIds =
        "DELETE FROM "
            + keyspace
            + "."
            + config.getString("akka.persistence.cassandra.journal.all-persistence-ids-table")
            + " WHERE persistence_id = ?";
    // The journal's own write profile (its consistency level), not the driver's default.
    String profile = config.getString("akka.persistence.cassandra.write-profile");
    return (persistenceId, toSequenceNr) -> {
      CassandraSession session =
          CassandraSessionRegistry.get(system)
              .sessionFor(CassandraSessionSettings.create("akka.persistence.cassandra"));
      return write(session, metadata, profile, persistenceId)
          .thenCompose(d -> write(session, allIds, profile, persistenceId));
    };
  }

  private static CompletionStage<Done> write(
      CassandraSession session, String cql, String profile, String persistenceId) {
    return session
        .prepare(cql)
        .thenCompose(
            ps -> session.executeWrite(ps.bind(persistenceId).setExecutionProfileName(profile)));
  }
}
