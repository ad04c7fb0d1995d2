package io.carousel.cli;

import io.carousel.engine.model.ModelFileException;
import io.carousel.http.node.CarouselServer;
import io.carousel.offline.data.DatasetMissingException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code carousel} command line. Exit codes: 0 ok, 1 failure, 2 bad input or missing data. */
@Command(
    name = "carousel",
    mixinStandardHelpOptions = true,
    version = "carousel 0.1.0",
    description =
        "Real-time personalized recommendations: sharded user actors, bandits, TensorFlow.",
    subcommands = {
      DemoCommand.class,
      ServeCommand.class,
      TrainCommand.class,
      EvaluateCommand.class,
      OpeCommand.class,
      SimulateCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Without a subcommand: prints the usage. */
  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    ownStderr(System.getProperty("carousel.stderr"));
    System.exit(commandLine().execute(args));
  }

  /**
   * Writes the JVM's own stderr (logs, progress bars, errors) to {@code path}, e.g. {@code
   * /dev/fd/3}, when the launcher gives one: the launchers send file descriptor 2, where only
   * TensorFlow's native code still writes, through a filter that drops absl's INFO lines (absl
   * ignores {@code TF_CPP_MIN_LOG_LEVEL}), so this stream must not pass that line filter (it would
   * hold back the {@code \r}-updated progress bars). Unset, or not openable (a socket, e.g.
   * systemd's journal): stderr stays as it is.
   */
  static void ownStderr(String path) {
    if (path == null || path.isBlank()) {
      return;
    }
    try {
      System.setErr(new java.io.PrintStream(new java.io.FileOutputStream(path, true), true));
    } catch (java.io.IOException | SecurityException e) {
      // keep the inherited stderr: the filter passes everything but absl's INFO lines
    }
  }

  /**
   * Returns the command line with its exit-code mapping: bad input and missing data print one line
   * {@code carousel: ...} and exit 2, as does a missing, corrupt or invalid file in a model folder
   * ({@link ModelFileException}, anywhere in the cause chain), whose line names the folder to
   * delete so that it is trained again; anything else prints the root cause and the stack trace and
   * exits 1.
   */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          if (ex instanceof DatasetMissingException) {
            commandLine.getErr().println("carousel: " + ex.getMessage());
            return 2;
          }
          ModelFileException bad = modelFileProblem(ex);
          if (bad != null) {
            commandLine.getErr().println("carousel: " + modelFileLine(bad));
            return 2;
          }
          if (ex instanceof IllegalArgumentException) {
            commandLine.getErr().println("carousel: " + ex.getMessage());
            return 2;
          }
          commandLine.getErr().println("carousel: " + CarouselServer.rootMessage(ex));
          ex.printStackTrace(commandLine.getErr());
          return 1;
        });
    return cli;
  }

  /** Returns the first {@link ModelFileException} in the cause chain of {@code ex}, or null. */
  private static ModelFileException modelFileProblem(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ModelFileException m) {
        return m;
      }
    }
    return null;
  }

  /** The one line of a bad model file: what is wrong, then the folder to delete. */
  static String modelFileLine(ModelFileException e) {
    return e.getMessage() + "; delete the model folder " + e.modelDir() + " to retrain it";
  }
}
