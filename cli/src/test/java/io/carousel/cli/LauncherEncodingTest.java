package io.carousel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution's launcher with no locale (env -i, cron, a bare systemd unit) or the C locale:
 * Java 17 would print "—" and "→" as "?", so the launcher asks for UTF-8; a locale the user chose
 * is left to Java. Runs {@code src/dist/bin/carousel} with a stand-in {@code java} that prints the
 * flags it was given.
 */
class LauncherEncodingTest {
  private static final String UTF8_STDOUT = "-Dsun.stdout.encoding=UTF-8";

  @Test
  void noLocaleOrTheCLocaleGetsUtf8Output(@TempDir Path dir) throws Exception {
    Path javaHome = fakeJava(dir);
    for (Map<String, String> locale :
        List.of(Map.<String, String>of(), Map.of("LANG", "C"), Map.of("LC_ALL", "POSIX"))) {
      List<String> flags = launch(javaHome, locale);
      assertTrue(flags.contains(UTF8_STDOUT), locale + " → " + flags);
      assertTrue(flags.contains("-Dsun.stderr.encoding=UTF-8"), locale + " → " + flags);
      assertTrue(flags.contains("-Dfile.encoding=UTF-8"), locale + " → " + flags);
      assertEquals(
          "io.carousel.cli.Main", flags.get(flags.indexOf("--help") - 1), "flags before Main");
    }
  }

  @Test
  void aChosenLocaleIsKept(@TempDir Path dir) throws Exception {
    Path javaHome = fakeJava(dir);
    List<String> latin1 = launch(javaHome, Map.of("LANG", "de_DE.ISO-8859-1"));
    assertFalse(latin1.contains(UTF8_STDOUT), latin1.toString());
    // LC_ALL wins over LANG, as in the C library
    List<String> cOverUtf8 = launch(javaHome, Map.of("LANG", "en_US.UTF-8", "LC_ALL", "C"));
    assertTrue(cOverUtf8.contains(UTF8_STDOUT), cOverUtf8.toString());
  }

  private static Path fakeJava(Path dir) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("jdk/bin"));
    Path java = bin.resolve("java");
    Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir.resolve("jdk");
  }

  private static List<String> launch(Path javaHome, Map<String, String> locale) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
            "/bin/sh", Path.of("src/dist/bin/carousel").toAbsolutePath().toString(), "--help");
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/bin:/bin");
    pb.environment().put("JAVA_HOME", javaHome.toString());
    pb.environment().putAll(locale);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return List.of(out.split("\n"));
  }
}
