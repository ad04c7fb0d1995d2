package io.carousel.http;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The local Cassandra node of the integration tests: CQL on 127.0.0.1:{@code $CQL_PORT} (default
 * 19042). When the port is closed, {@link #ensureRunning()} starts a node with the project's own
 * {@code cluster-conf/cassandra/start-cassandra.sh} (fetching the jars on first use) and stops it
 * again when the test JVM exits; a node that was already running (e.g. started by {@code .ci/run})
 * is used and left alone. Idempotent and thread-safe.
 */
final class CassandraNode {
  /** CQL port of the test node. */
  static final int CQL_PORT = Integer.parseInt(envOr("CQL_PORT", "19042"));

  /** {@code host:port} for the DataStax driver and {@code carousel.cassandra.contact-point}. */
  static final String CONTACT_POINT = "127.0.0.1:" + CQL_PORT;

  private static final long START_TIMEOUT_S = 420;
  private static boolean ready;
  private static CqlSession session;

  private CassandraNode() {}

  /**
   * Returns once Cassandra answers on {@link #CQL_PORT} and the schema of {@code ddl.cql} exists.
   *
   * @throws IllegalStateException with the script's output when the node cannot be started
   */
  static synchronized void ensureRunning() {
    if (ready) {
      return;
    }
    if (!portOpen()) {
      runScript("start-cassandra.sh", START_TIMEOUT_S);
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> runScript("stop-cassandra.sh", 60), "stop-cassandra"));
    }
    applyDdl();
    ready = true;
  }

  /** Returns a shared driver session to the node (closed when the JVM exits). */
  static synchronized CqlSession session() {
    ensureRunning();
    return session;
  }

  /** Returns the folder of the project's Cassandra scripts and {@code ddl.cql}. */
  static Path scripts() {
    String p = System.getProperty("carousel.cassandra.scripts");
    Path dir = p != null ? Path.of(p) : Path.of("..", "cluster-conf", "cassandra");
    if (!Files.isRegularFile(dir.resolve("start-cassandra.sh"))) {
      throw new IllegalStateException("no start-cassandra.sh in " + dir.toAbsolutePath());
    }
    return dir;
  }

  private static void applyDdl() {
    String ddl;
    try {
      ddl = Files.readString(scripts().resolve("ddl.cql"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    session =
        CqlSession.builder()
            .addContactPoint(new InetSocketAddress("127.0.0.1", CQL_PORT))
            .withLocalDatacenter("datacenter1")
            .withConfigLoader(
                DriverConfigLoader.programmaticBuilder()
                    // Schema changes take seconds on a busy 2-core box; the default is 2 s.
                    .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
                    .build())
            .build();
    Runtime.getRuntime().addShutdownHook(new Thread(session::close, "close-cql"));
    StringBuilder noComments = new StringBuilder();
    for (String line : ddl.split("\n")) {
      if (!line.strip().startsWith("--")) {
        noComments.append(line).append('\n');
      }
    }
    for (String statement : noComments.toString().split(";")) {
      if (!statement.isBlank()) {
        session.execute(statement.strip());
      }
    }
  }

  private static boolean portOpen() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", CQL_PORT), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void runScript(String name, long timeoutS) {
    try {
      Path log = Files.createTempFile("carousel-" + name, ".log");
      Process p =
          new ProcessBuilder("bash", scripts().resolve(name).toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      boolean finished = p.waitFor(timeoutS, TimeUnit.SECONDS);
      String out = Files.readString(log);
      System.out.print(out);
      if (!finished) {
        p.destroyForcibly();
        throw new IllegalStateException(name + " did not finish in " + timeoutS + " s:\n" + out);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(name + " failed (exit " + p.exitValue() + "):\n" + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + name, e);
    }
  }

  private static String envOr(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
