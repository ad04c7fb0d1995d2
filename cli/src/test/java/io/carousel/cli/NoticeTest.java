package io.carousel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The distribution's NOTICE names every third-party jar its lib/ holds, at the version it holds:
 * the runtime closure that the dependency plugin lists at generate-test-resources, compared with
 * the NOTICE lines. A dependency added or moved without its licence line fails here; {@code
 * cli/src/build/notice.py} rewrites NOTICE from the POMs.
 */
class NoticeTest {
  private static final Pattern LISTED =
      Pattern.compile(
          "^\\s+([\\w.\\-]+):([\\w.\\-]+):\\w[\\w\\-]*:(?:[\\w.\\-]+:)?([\\w.\\-]+):(compile|runtime)");

  @Test
  void noticeNamesEveryRuntimeJarWithItsVersionAndNothingElse() throws IOException {
    Set<String> runtime = new TreeSet<>();
    for (String line : Files.readAllLines(Path.of("target/runtime-dependencies.txt"))) {
      Matcher m = LISTED.matcher(line);
      if (m.find() && !m.group(1).equals("io.carousel")) {
        runtime.add(m.group(1) + ":" + m.group(2) + " " + m.group(3));
      }
    }
    List<String> notice = Files.readAllLines(Path.of("src/dist/NOTICE"));
    Set<String> named =
        notice.stream()
            .filter(l -> l.matches("^[\\w.\\-]+:[\\w.\\-]+ [\\w.\\-]+: .+"))
            .map(l -> l.substring(0, l.indexOf(": ")))
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(runtime, named, "run cli/src/build/notice.py after a dependency change");
  }

  @Test
  void everyNoticeLineNamesALicence() throws IOException {
    List<String> unnamed =
        Files.readAllLines(Path.of("src/dist/NOTICE")).stream()
            .filter(l -> l.matches("^[\\w.\\-]+:[\\w.\\-]+ [\\w.\\-]+: .+"))
            .filter(l -> l.endsWith(": ?") || l.contains(": see the project"))
            .toList();
    assertEquals(List.of(), unnamed, "licences to look up by hand");
  }
}
