package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.engine.data.DatasetReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The {@code carousel} command line as a user meets it ({@link Main#commandLine()}): exit codes,
 * the one {@code carousel: ...} line of a user mistake, and the help texts. The data root is empty
 * in these tests, so a command that got as far as reading (let alone training) a dataset would fail
 * with "dataset not found" instead of the expected line.
 */
class CommandLineTest {
  @TempDir Path tmp;

  /** What a run printed on stderr, and its exit code. */
  private record Run(int exitCode, String err) {}

  private Run run(String... args) throws Exception {
    Path emptyRoot = Files.createDirectories(tmp.resolve("empty-data-root"));
    CommandLine cli = Main.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--data-dir";
    all[args.length + 1] = tmp.resolve("data").toString();
    all[args.length + 2] = "--data-root";
    all[args.length + 3] = emptyRoot.toString();
    int code = cli.execute(all);
    return new Run(code, err.toString());
  }

  @Test
  void portInUseIsRefusedBeforeTrainingNamingThePortOption() throws Exception {
    try (ServerSocket other = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      String port = Integer.toString(other.getLocalPort());
      String expected =
          "carousel: port "
              + port
              + " on 127.0.0.1 is in use; stop the other server or choose another with --port"
              + System.lineSeparator();
      for (String command : List.of("serve", "demo")) {
        Run r = run(command, "--port", port, "--host", "127.0.0.1");
        assertEquals(2, r.exitCode(), command + ": " + r.err());
        assertEquals(expected, r.err(), command);
      }
    }
  }

  @Test
  void serveRejectsModelTogetherWithDataset() throws Exception {
    Run r =
        run(
            "serve",
            "--port",
            "0",
            "--model",
            tmp.resolve("model").toString(),
            "--dataset",
            "movielens-100k");
    assertEquals(2, r.exitCode(), r.err());
    assertEquals("carousel: give --dataset or --model, not both" + System.lineSeparator(), r.err());
  }

  @Test
  void datasetDefaultsToAmazonButCountsAsNotGiven() {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs("--model", "some-model");
    serve.node.toConfig();
    assertEquals(DatasetReader.AMAZON_2018_SMALL, serve.node.dataset);
    assertFalse(serve.node.datasetGiven());
    ServeCommand given = new ServeCommand();
    new CommandLine(given).parseArgs("--dataset", DatasetReader.AMAZON_2018_SMALL);
    given.node.toConfig();
    assertTrue(given.node.datasetGiven());
  }

  @Test
  void everyDatasetCommandsHelpListsEveryKnownDataset() {
    CommandLine cli = Main.commandLine();
    for (String command : List.of("serve", "demo", "evaluate", "simulate")) {
      String help = cli.getSubcommands().get(command).getUsageMessage();
      for (String name : DatasetReader.knownNames()) {
        assertTrue(help.contains(name), command + " --help lacks " + name + ":\n" + help);
      }
    }
    // ope reads only the Open Bandit Dataset: listing the others would be wrong.
    String ope = cli.getSubcommands().get("ope").getUsageMessage();
    assertTrue(ope.contains("open-bandit"), ope);
    for (String name : DatasetReader.knownNames()) {
      assertFalse(ope.contains(name), "ope --help lists " + name + ":\n" + ope);
    }
  }
}
