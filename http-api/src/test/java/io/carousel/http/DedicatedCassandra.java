package io.carousel.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Cassandra node of its own for a test that stops it: the project's start/stop scripts with other
 * ports (CQL {@code carousel.outage.cql-port}, default 29142; storage 27100; JMX 27199) and its own
 * state under {@code target/cassandra-outage}, sharing the jars of the main test node. It never
 * touches the node of {@link CassandraNode} or anyone else's.
 */
final class DedicatedCassandra {
  /** CQL port of this node. */
  static final int CQL_PORT = Integer.getInteger("carousel.outage.cql-port", 29142);

  private final Map<String, String> env;

  DedicatedCassandra() {
    Path scripts = CassandraNode.scripts().toAbsolutePath();
    this.env =
        Map.of(
            "CAROUSEL_CASSANDRA_HOME",
                Path.of("target", "cassandra-outage").toAbsolutePath().toString(),
            "CASSANDRA_LIB", scripts.resolve("target").resolve("lib-5.0.6").toString(),
            "CQL_PORT", Integer.toString(CQL_PORT),
            "STORAGE_PORT", Integer.getInteger("carousel.outage.storage-port", 27100).toString(),
            "JMX_PORT", Integer.getInteger("carousel.outage.jmx-port", 27199).toString());
  }

  /** Returns {@code 127.0.0.1:<CQL port>}. */
  String contactPoint() {
    return "127.0.0.1:" + CQL_PORT;
  }

  /** Starts the node (idempotent) and returns once CQL answers; throws with the script output. */
  void start() {
    run("start-cassandra.sh", 420);
  }

  /** Stops the node by its pid (TERM, KILL after 30 s); returns once it is gone. */
  void stop() {
    run("stop-cassandra.sh", 90);
  }

  private void run(String script, long timeoutS) {
    try {
      Path log = Files.createTempFile("carousel-outage-" + script, ".log");
      ProcessBuilder pb =
          new ProcessBuilder("bash", CassandraNode.scripts().resolve(script).toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      boolean finished = p.waitFor(timeoutS, TimeUnit.SECONDS);
      String out = Files.readString(log);
      System.out.print(out);
      if (!finished || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(script + " failed:\n" + out);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + script, e);
    }
  }
}
