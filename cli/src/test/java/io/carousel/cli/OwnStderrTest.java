package io.carousel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launchers filter absl's lines out of fd 2 and give the JVM its own stderr as {@code
 * -Dcarousel.stderr=/dev/fd/3}: the JVM's lines must go there, appended, and stay where they were
 * when the path cannot be opened.
 */
class OwnStderrTest {
  private final PrintStream original = System.err;

  @AfterEach
  void restore() {
    System.setErr(original);
  }

  @Test
  void theJvmsStderrIsAppendedToTheGivenPath(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("stderr.txt");
    Files.writeString(file, "before\n");
    Main.ownStderr(file.toString());
    System.err.println("carousel line");
    assertEquals("before\ncarousel line\n", Files.readString(file, StandardCharsets.UTF_8));
  }

  @Test
  void anUnopenablePathOrNoneKeepsTheInheritedStderr(@TempDir Path dir) {
    Main.ownStderr(dir.resolve("missing-folder/stderr.txt").toString());
    assertSame(original, System.err);
    Main.ownStderr(null);
    assertSame(original, System.err);
  }
}
