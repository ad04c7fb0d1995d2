package io.carousel.http.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.cli.Main;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code carousel train} on a data directory whose journal a running node holds refuses at once:
 * exit 2, one line naming the journal, nothing trained and no decision recorded.
 */
class TrainInUseTest {
  @Test
  void trainOnADataDirInUseRefusesWithOneLine(@TempDir Path dataDir) throws Exception {
    Process holder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                JournalInUseTest.Holder.class.getName(),
                dataDir.toString())
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("open", out.readLine());
      StringWriter err = new StringWriter();
      var cli = Main.commandLine();
      cli.setErr(new PrintWriter(err));
      long start = System.nanoTime();
      int code = cli.execute("train", "--data-dir", dataDir.toString(), "--dataset", "x");
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
      String text = err.toString().strip();
      assertEquals(2, code, text);
      assertEquals(1, text.lines().count(), text);
      assertTrue(text.startsWith("carousel: the journal at "), text);
      assertTrue(text.contains(dataDir.resolve("journal").toString()), text);
      assertTrue(text.contains("is in use by another process"), text);
      assertTrue(seconds < 30, "refused at once, not after a timeout: " + seconds + " s");
      assertFalse(Files.exists(dataDir.resolve("models")), "nothing trained or recorded");
    } finally {
      holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
