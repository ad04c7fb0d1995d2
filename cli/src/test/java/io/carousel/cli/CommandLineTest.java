package io.carousel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.engine.Item;
import io.carousel.engine.model.ModelFolder;
import io.carousel.engine.model.ModelMeta;
import io.carousel.engine.wide.WideWeights;
import io.carousel.offline.data.DatasetReader;
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

  @Test
  void evaluateRefusesHugeWideWeightsNamingTheOption() throws Exception {
    Run knn = run("evaluate", "--dataset", "movielens-100k", "--wide-knn", "0,3.0e38");
    assertEquals(2, knn.exitCode(), knn.err());
    assertEquals(
        "carousel: --wide-knn values must be in [0, 1000.0], got 3.0E38" + System.lineSeparator(),
        knn.err());
    Run next = run("evaluate", "--dataset", "movielens-100k", "--wide-next", "1000.5");
    assertEquals(2, next.exitCode(), next.err());
    assertEquals(
        "carousel: --wide-next values must be in [0, 1000.0], got 1000.5" + System.lineSeparator(),
        next.err());
  }

  /** A model folder whose files read up to the wide ones (its SavedModel is never reached). */
  private Path modelFolder() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("model")).toAbsolutePath();
    Files.writeString(dir.resolve("saved_model.pb"), "not a protobuf");
    Files.writeString(
        dir.resolve("carousel-model.json"),
        "{\"format\":1,\"numItems\":2,\"dim\":2,\"historyLength\":4,\"useText\":true}");
    ModelFolder.at(dir)
        .writeMeta(
            new ModelMeta(
                "test",
                2,
                List.of(new Item("a", "item a", "c"), new Item("b", "item b", "c")),
                new long[] {1, 1}));
    return dir;
  }

  @Test
  void aCorruptOrMissingWideFileOfTheModelFolderIsOneLineNamingTheFolder() throws Exception {
    Path dir = modelFolder();
    Files.write(dir.resolve(ModelFolder.CO_VISITATION), new byte[0]);
    ModelFolder.at(dir).writeWideWeights(WideWeights.of(1, 1, "test"));
    Run corrupt = run("serve", "--port", "0", "--model", dir.toString());
    assertEquals(2, corrupt.exitCode(), corrupt.err());
    assertEquals(
        "carousel: "
            + dir.resolve(ModelFolder.CO_VISITATION)
            + " is truncated: 0 bytes, a co-visitation file has at least 40; delete the model"
            + " folder "
            + dir
            + " to retrain it"
            + System.lineSeparator(),
        corrupt.err());

    Files.delete(dir.resolve(ModelFolder.CO_VISITATION));
    Files.createDirectory(dir.resolve(ModelFolder.CO_VISITATION));
    Run directory = run("serve", "--port", "0", "--model", dir.toString());
    assertEquals(2, directory.exitCode(), directory.err());
    assertTrue(
        directory.err().startsWith("carousel: " + dir.resolve(ModelFolder.CO_VISITATION)),
        directory.err());
    assertEquals(1, directory.err().lines().count(), directory.err());

    Files.delete(dir.resolve(ModelFolder.CO_VISITATION));
    Run missing = run("serve", "--port", "0", "--model", dir.toString());
    assertEquals(2, missing.exitCode(), missing.err());
    assertTrue(
        missing
            .err()
            .startsWith("carousel: " + dir.resolve(ModelFolder.CO_VISITATION) + " is missing"),
        missing.err());
    assertTrue(missing.err().contains("delete the model folder " + dir), missing.err());
  }
}
