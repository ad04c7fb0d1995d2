package io.carousel.http.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ope --from-journal} on a data directory whose journal another process holds (a running
 * server) fails at once naming the journal; it waited its whole 2-minute timeout in silence and
 * failed with "TimeoutException: null".
 */
class JournalInUseTest {
  /** Child process: opens the journal file like a running node, says "open", then waits. */
  public static final class Holder {
    public static void main(String[] args) throws Exception {
      Config db =
          JournalReader.embeddedConfig(Path.of(args[0]))
              .getConfig("akka-persistence-jdbc.shared-databases.slick.db");
      try (Connection c =
          DriverManager.getConnection(
              db.getString("url"), db.getString("user"), db.getString("password"))) {
        c.createStatement().execute("CREATE TABLE IF NOT EXISTS held (id INT)");
        System.out.println("open");
        System.out.flush();
        Thread.sleep(120_000);
      }
    }
  }

  /** Starts a {@link Holder} on {@code dataDir} and returns once it holds the file. */
  private static Process hold(Path dataDir) throws Exception {
    Process holder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Holder.class.getName(),
                dataDir.toString())
            .redirectErrorStream(true)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
    assertEquals("open", out.readLine());
    return holder;
  }

  @Test
  void journalHeldByAnotherProcessFailsFastNamingIt(@TempDir Path dataDir) throws Exception {
    Process holder = hold(dataDir);
    try {
      long start = System.nanoTime();
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> JournalReader.readEmbedded(dataDir, Duration.ofSeconds(60)));
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
      assertTrue(e.getMessage().contains("is in use by another process"), e.getMessage());
      assertTrue(e.getMessage().contains(dataDir.resolve("journal").toString()), e.getMessage());
      assertTrue(seconds < 30, "failed fast, not after the read timeout: " + seconds + " s");
    } finally {
      holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void secondServerOnAHeldJournalFailsFastNamingIt(@TempDir Path dataDir) throws Exception {
    Process holder = hold(dataDir);
    try {
      Config config = JournalReader.embeddedConfig(dataDir);
      assertEquals("embedded", config.getString("carousel.persistence.kind"));
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> io.carousel.http.node.CarouselServer.start(config, null));
      assertTrue(e.getMessage().contains("is in use by another process"), e.getMessage());
    } finally {
      holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void secondDemoOnAHeldJournalIsRefusedBeforeReadingData(@TempDir Path dataDir) throws Exception {
    Path emptyRoot = java.nio.file.Files.createDirectories(dataDir.resolve("no-datasets"));
    Process holder = hold(dataDir);
    try {
      picocli.CommandLine cli = io.carousel.cli.Main.commandLine();
      java.io.StringWriter err = new java.io.StringWriter();
      cli.setErr(new java.io.PrintWriter(err, true));
      long start = System.nanoTime();
      int code =
          cli.execute(
              "demo",
              "--exit",
              "--port",
              "0",
              "--data-dir",
              dataDir.toString(),
              "--data-root",
              emptyRoot.toString());
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
      // With an empty data root, reaching the dataset would have said "dataset not found".
      assertEquals(2, code, err.toString());
      assertTrue(err.toString().startsWith("carousel: the journal at "), err.toString());
      assertTrue(err.toString().contains("is in use by another process"), err.toString());
      assertTrue(seconds < 30, "refused at once: " + seconds + " s");
    } finally {
      holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
