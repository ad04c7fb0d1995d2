package io.carousel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A malformed Open Bandit Dataset copy is bad input: one line, exit code 2, no stack trace. */
class OpeInputTest {
  @TempDir Path root;

  private void writeCopy(String policy, int position) throws Exception {
    Path dir = Files.createDirectories(root.resolve("open_bandit_dataset/" + policy + "/men"));
    Files.writeString(
        dir.resolve("item_context.csv"),
        ",item_id,item_feature_0,item_feature_1,item_feature_2,item_feature_3\n"
            + "0,0,-0.5,a,b,c\n"
            + "1,1,-0.7,a,b,c\n");
    Files.writeString(
        dir.resolve("men.csv"),
        ",timestamp,item_id,position,click,propensity_score,user_feature_0,user_feature_1,"
            + "user_feature_2,user_feature_3,user-item_affinity_0,user-item_affinity_1\n"
            + "0,2019-11-24 00:03:13.442536+00:00,1,"
            + position
            + ",0,0.5,u0,u1,u2,u3,0.0,0.1\n");
  }

  @Test
  void aZeroBasedPositionCopyFailsWithOneLineAndExitCode2() throws Exception {
    writeCopy("random", 0);
    writeCopy("bts", 0);
    CommandLine cli = Main.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    int code =
        cli.execute(
            "ope", "--dataset", "open-bandit", "--campaign", "men", "--data-root", root.toString());
    String text = err.toString().trim();
    assertEquals(2, code, text);
    assertFalse(text.contains("\n"), "one line, no stack trace: " + text);
    assertTrue(text.startsWith("carousel: "), text);
    assertTrue(text.contains("men.csv line 2: position 0 is outside 1..3"), text);
  }
}
