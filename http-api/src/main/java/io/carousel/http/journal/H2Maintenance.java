package io.carousel.http.journal;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import com.typesafe.config.Config;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded H2 journal file near the size of its live data.
 *
 * <p>Why it grows without this: the journal URL has {@code WRITE_DELAY=0} (every commit reaches the
 * file before the journal confirms, docs/decisions/0003). H2 then runs no background writer, and
 * that thread is also what compacts the MVStore: every commit appends a new chunk of whole 4 KB
 * blocks (the changed B-tree pages of the journal table, its indexes and the store's layout), the
 * old page versions are dead but their chunks, still holding a few live pages, are never rewritten,
 * so the file grew by about 9 KB per event for ~200 B of payload.
 *
 * <p>What it does: every {@code compact-interval}, on the blocking dispatcher, the chunks whose
 * live fill rate is under {@code fill-rate} are rewritten ({@link MVStore#compact}), up to {@code
 * compact-write-bytes} per run, so that their space is freed (after H2's retention time) and reused
 * by the next chunks; then, while the file's own fill rate is under the same mark, live chunks are
 * moved to its start and the file is truncated ({@link MVStore#compactMoveChunks}). On shutdown (a
 * {@link CoordinatedShutdown} task after the actors stopped) {@code SHUTDOWN COMPACT} rewrites the
 * file to its live data. Settings: {@code carousel.h2-maintenance} (reference.conf).
 */
public final class H2Maintenance {
  private static final Logger LOG = LoggerFactory.getLogger(H2Maintenance.class);

  /**
   * Settings, read once from {@code carousel.h2-maintenance}.
   *
   * @param compactInterval time between two compaction runs; zero = off
   * @param fillRate chunks (and the file) with less live data than this, percent, are compacted
   * @param maxCompactTime longest one compaction run may take
   * @param shutdownCompact whether {@code SHUTDOWN COMPACT} runs on coordinated shutdown
   */
  public record Settings(
      Duration compactInterval, int fillRate, Duration maxCompactTime, boolean shutdownCompact) {

    /** Reads {@code carousel.h2-maintenance} from {@code config}. */
    public static Settings fromConfig(Config config) {
      Config c = config.getConfig("carousel.h2-maintenance");
      int fill = c.getInt("fill-rate");
      if (fill < 1 || fill > 99) {
        throw new IllegalArgumentException("carousel.h2-maintenance.fill-rate: 1..99, got " + fill);
      }
      return new Settings(
          c.getDuration("compact-interval"),
          fill,
          c.getDuration("max-compact-time"),
          c.getBoolean("shutdown-compact"));
    }
  }

  private final Connection connection;
  private final MVStore store;
  private final Settings settings;

  private H2Maintenance(Connection connection, MVStore store, Settings settings) {
    this.connection = connection;
    this.store = store;
    this.settings = settings;
  }

  /**
   * Starts the maintenance of the H2 journal named by {@code
   * akka-persistence-jdbc.shared-databases.slick.db} in {@code config}; call once the schema
   * exists. Returns null (and does nothing) when the journal is not the embedded H2 file.
   *
   * @throws SQLException if the database cannot be opened
   */
  public static H2Maintenance start(ActorSystem<?> system, Config config) throws SQLException {
    if (!"embedded".equals(config.getString("carousel.persistence.kind"))) {
      return null;
    }
    Settings settings = Settings.fromConfig(config);
    Config db = config.getConfig("akka-persistence-jdbc.shared-databases.slick.db");
    // Same URL in the same JVM: the same open database (DB_CLOSE_DELAY=-1), not a second one.
    Connection c =
        DriverManager.getConnection(
            db.getString("url"), db.getString("user"), db.getString("password"));
    MVStore store = mvStoreOf(c);
    H2Maintenance m = new H2Maintenance(c, store, settings);
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    if (!settings.compactInterval().isZero()) {
      system
          .scheduler()
          .scheduleWithFixedDelay(
              settings.compactInterval(),
              settings.compactInterval(),
              m::compactSafely,
              system.dispatchers().lookup(DispatcherSelector.blocking()));
    }
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "h2-shutdown-compact",
            () -> CompletableFuture.supplyAsync(m::shutdown, blocking));
    return m;
  }

  /** Returns the MVStore behind an embedded H2 connection. */
  static MVStore mvStoreOf(Connection c) throws SQLException {
    var session = (org.h2.engine.SessionLocal) c.unwrap(JdbcConnection.class).getSession();
    return session.getDatabase().getStore().getMvStore();
  }

  /**
   * Runs one compaction now, when the chunks or the file hold less live data than {@code
   * fill-rate}: H2's own file compaction ({@link MVStore#compactFile}, what {@code SHUTDOWN
   * COMPACT} runs, under the store's lock like H2's background writer), for at most {@code
   * max-compact-time}. Returns the file size afterwards, bytes.
   */
  public long compactNow() {
    if (store.getChunksFillRate() < settings.fillRate()
        || store.getFillRate() < settings.fillRate()) {
      store.compactFile((int) settings.maxCompactTime().toMillis());
    }
    return store.getFileStore().size();
  }

  private void compactSafely() {
    try {
      if (!store.isClosed()) {
        compactNow();
      }
    } catch (RuntimeException e) {
      // A failed run costs disk, not data: the next one tries again.
      LOG.warn("H2 journal compaction failed: {}", e.toString());
    }
  }

  private Done shutdown() {
    try (Statement st = connection.createStatement()) {
      if (settings.shutdownCompact() && !store.isClosed()) {
        long before = store.getFileStore().size();
        long t0 = System.nanoTime();
        st.execute("SHUTDOWN COMPACT");
        LOG.info(
            "H2 journal compacted on shutdown in {} ms (was {} bytes)",
            (System.nanoTime() - t0) / 1_000_000,
            before);
      }
    } catch (SQLException e) {
      LOG.warn("H2 journal shutdown compaction failed: {}", e.toString());
    } finally {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // closing a shut-down database's connection may fail; nothing is left to release
      }
    }
    return Done.getInstance();
  }
}
