package io.carousel.offline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * {@code carousel bench faults}: the hostile-traffic scenarios of {@link FaultScenarios} against a
 * server, plus what needs the server's own data directory: disk per stored event on the embedded
 * journal (while running and after a clean shutdown), journal growth under a crawler, exactly-once
 * across a restart, and a poison row (garbage bytes written into one user's journal row while the
 * server is stopped). Prints one JSON line.
 *
 * <p>With {@code url} the server is someone else's: only the HTTP scenarios run. Otherwise a child
 * {@code serve} is started over {@code dataDir} ({@link ChildServer}).
 */
public final class FaultsBench {
  /** What to run; sizes are the scenarios' counts. */
  public record Options(
      URI url,
      Path dataDir,
      List<String> serveArgs,
      List<String> jvmArgs,
      int batchLines,
      int concurrentWriters,
      int sockets,
      int slowReaderEvents,
      int crawlerRequests,
      int idleConnections,
      int slowlorisConnections,
      int loadEvents,
      int loadUsers,
      int loadReads) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private FaultsBench() {}

  /** Runs every scenario; returns the figures as one JSON object (also on a scenario's failure). */
  public static Map<String, Object> run(Options o) throws Exception {
    String run = "faults-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("run", run);
    if (o.url() != null) {
      FaultScenarios s = new FaultScenarios(o.url(), run);
      httpScenarios(s, o, out);
      out.put("crawler", attempt(() -> s.crawler(o.crawlerRequests())));
      out.put("process_alive", s.server.healthAlive());
      return out;
    }
    Files.createDirectories(o.dataDir());
    Path log = o.dataDir().resolve("faults-server.log");
    out.put("server_log", log.toString());
    Duration ready = Duration.ofMinutes(10);
    try (ChildServer server =
        ChildServer.start(o.dataDir(), o.serveArgs(), o.jvmArgs(), log, ready)) {
      FaultScenarios s = new FaultScenarios(server.base(), run);
      out.put("disk", attempt(() -> disk(s, o)));
      out.put(
          "poison_setup",
          attempt(
              () -> {
                Map<String, Object> p = new LinkedHashMap<>();
                for (int i = 1; i <= 3; i++) {
                  p.put(
                      "e" + i, s.server.postJson(s.eventLine(run + "-poison", run + "-p" + i, i)));
                }
                return p;
              }));
      httpScenarios(s, o, out);
      out.put("process_alive_before_restart", server.alive() && s.server.healthAlive());
    }
    awaitUnlocked(o.dataDir(), Duration.ofSeconds(60));
    out.put("journal_bytes_after_shutdown", journalBytes(o.dataDir()));
    out.put("poison_rows_written", poison(o.dataDir(), "UserProfile|" + run + "-poison"));
    try (ChildServer server =
        ChildServer.start(o.dataDir(), o.serveArgs(), o.jvmArgs(), log, ready)) {
      FaultScenarios s = new FaultScenarios(server.base(), run);
      out.put("after_restart", attempt(() -> afterRestart(s, o, run, log)));
      out.put("process_alive", server.alive() && s.server.healthAlive());
    }
    return out;
  }

  private static void httpScenarios(FaultScenarios s, Options o, Map<String, Object> out) {
    out.put("retry_batch", attempt(() -> s.retryBatch(o.batchLines())));
    out.put("retry_concurrent", attempt(() -> s.retryConcurrent(o.concurrentWriters())));
    out.put("slow_reader", attempt(() -> s.slowReader(o.slowReaderEvents())));
    out.put("idle_connections", attempt(() -> s.idleConnections(o.idleConnections())));
    out.put("slowloris", attempt(() -> s.slowloris(o.slowlorisConnections())));
    // Last: on a server without subscriber limits the storm ends the process.
    out.put("socket_storm_many_users", attempt(() -> s.socketStorm(o.sockets(), false)));
    out.put("socket_storm_one_user", attempt(() -> s.socketStorm(o.sockets(), true)));
  }

  private static Map<String, Object> disk(FaultScenarios s, Options o) throws Exception {
    Map<String, Object> d = new LinkedHashMap<>();
    long before = journalBytes(o.dataDir());
    long[] loaded = s.load(o.loadEvents(), o.loadUsers());
    long afterEvents = journalBytes(o.dataDir());
    int reads = s.reads(o.loadReads(), o.loadUsers());
    long afterReads = journalBytes(o.dataDir());
    Map<String, Object> crawl = s.crawler(o.crawlerRequests());
    long afterCrawl = journalBytes(o.dataDir());
    d.put("events_acknowledged", loaded[0]);
    d.put("payload_bytes_per_event", loaded[1]);
    d.put("journal_bytes_per_event", loaded[0] == 0 ? 0 : (afterEvents - before) / loaded[0]);
    d.put("slate_reads", reads);
    d.put("journal_bytes_per_read", reads == 0 ? 0 : (afterReads - afterEvents) / reads);
    d.put("crawler_requests", crawl.get("requests"));
    d.put("journal_bytes_growth_by_crawler", afterCrawl - afterReads);
    d.put("journal_bytes_running", afterCrawl);
    return d;
  }

  private static Map<String, Object> afterRestart(FaultScenarios s, Options o, String run, Path log)
      throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    // Exactly-once across a restart: the batch from before the restart, sent again.
    StringBuilder body = new StringBuilder();
    String user = run + "-batch";
    for (int i = 0; i < o.batchLines(); i++) {
      body.append(s.eventLine(user, user + "-e" + i, i)).append('\n');
    }
    r.put("batch_retry_status", s.server.postNdjson(body.toString()));
    r.put("batch_event_count", s.server.eventCount(user));
    r.put("batch_double_counts", Math.max(0, s.server.eventCount(user) - o.batchLines()));
    String poisoned = "/v1/users/" + ServerHttp.enc(run + "-poison");
    long logBefore = errorLines(log, run + "-poison");
    r.put(
        "poisoned_get_recommendations",
        s.server.timed("GET", poisoned + "/recommendations?k=5", null));
    r.put(
        "poisoned_post_event",
        s.server.timed("POST", "/v1/events", s.eventLine(run + "-poison", run + "-p9", 9)));
    r.put("poisoned_delete", s.server.timed("DELETE", poisoned, null));
    r.put(
        "after_delete_post_event",
        s.server.timed("POST", "/v1/events", s.eventLine(run + "-poison", run + "-p10", 10)));
    r.put("after_delete_summary", s.server.timed("GET", poisoned, null));
    Thread.sleep(10_000);
    r.put("poison_error_log_lines_in_about_12s", errorLines(log, run + "-poison") - logBefore);
    return r;
  }

  /**
   * Waits until H2's lock file of a stopped (or killed) server is gone: a killed server's lock is
   * released only once H2 sees its watchdog stop.
   */
  private static void awaitUnlocked(Path dataDir, Duration max) throws InterruptedException {
    Path lock = dataDir.resolve("journal").resolve("carousel.lock.db");
    long deadline = System.nanoTime() + max.toNanos();
    while (Files.exists(lock) && System.nanoTime() < deadline) {
      Thread.sleep(500);
    }
  }

  /** A scenario that throws reports its failure instead of ending the run. */
  private interface Scenario {
    Map<String, Object> call() throws Exception;
  }

  private static Object attempt(Scenario s) {
    try {
      return s.call();
    } catch (Exception e) {
      return Map.of("error", e.toString());
    }
  }

  /** Returns the bytes of every file under {@code dataDir/journal}. */
  static long journalBytes(Path dataDir) throws IOException {
    Path journal = dataDir.resolve("journal");
    if (!Files.isDirectory(journal)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(journal)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .sum();
    }
  }

  /**
   * Overwrites the payload of {@code persistenceId}'s second event with bytes no serializer reads
   * and drops its snapshots, so recovery must read the bad row. The server must be stopped (H2
   * locks its file). Runs H2's shell in a child JVM: the file lock is surely released when it ends,
   * while an embedded database closed in this JVM kept the file locked for the restarted server.
   *
   * @return the shell's output (row counts)
   */
  static String poison(Path dataDir, String persistenceId)
      throws IOException, InterruptedException {
    String url =
        "jdbc:h2:file:" + dataDir.resolve("journal").resolve("carousel") + ";IFEXISTS=TRUE";
    String id = persistenceId.replace("'", "''");
    String sql =
        "DELETE FROM \"snapshot\" WHERE \"persistence_id\" = '"
            + id
            + "'; UPDATE \"event_journal\" SET \"event_payload\" = X'fffe206e6f742043424f52'"
            + " WHERE \"persistence_id\" = '"
            + id
            + "' AND \"sequence_number\" = 2";
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "org.h2.tools.Shell",
                "-url",
                url,
                "-user",
                "carousel",
                "-password",
                "",
                "-sql",
                sql)
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    p.waitFor();
    return output.replaceAll("\\s+", " ");
  }

  private static long errorLines(Path log, String needle) throws IOException {
    try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
      return lines.filter(l -> l.contains("ERROR") && l.contains(needle)).count();
    } catch (UncheckedIOException e) {
      return -1;
    }
  }

  /** Returns {@code figures} as one JSON line. */
  public static String toJsonLine(Map<String, Object> figures) throws IOException {
    return JSON.writeValueAsString(figures);
  }
}
