package io.carousel.cli;

import io.carousel.offline.bench.FaultsBench;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code carousel bench faults}: hostile-traffic scenarios, one JSON line of figures. */
@Command(
    name = "faults",
    mixinStandardHelpOptions = true,
    description =
        "Hostile traffic against a server: retried batches and concurrent retries (double counts),"
            + " a WebSocket storm on one user and on many, a slow reader (stale slates), idle TCP"
            + " connections, a crawler of unknown ids; without --url it starts its own server over"
            + " --data-dir and also measures journal bytes per event, exactly-once across a"
            + " restart and a poison journal row. Prints one JSON line.")
final class FaultsCommand implements Callable<Integer> {
  @Option(
      names = "--url",
      description = "A running server (only the HTTP scenarios run); default: start one.")
  URI url;

  @Option(
      names = "--data-dir",
      defaultValue = "carousel-data-faults",
      description = "The started server's data directory (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--dataset",
      defaultValue = "amazon2018-small",
      description = "The started server trains on this dataset (default: ${DEFAULT-VALUE}).")
  String dataset;

  @Option(names = "--model", description = "A trained model folder instead of --dataset.")
  Path model;

  @Option(
      names = "--batch-lines",
      defaultValue = "300",
      description = "Lines of the retried NDJSON batch (one user) (default: ${DEFAULT-VALUE}).")
  int batchLines;

  @Option(
      names = "--writers",
      defaultValue = "800",
      description = "Concurrent single-event writers to one user (default: ${DEFAULT-VALUE}).")
  int writers;

  @Option(
      names = "--sockets",
      defaultValue = "1000",
      description =
          "WebSockets opened at once, to one user and to as many users (default: ${DEFAULT-VALUE}).")
  int sockets;

  @Option(
      names = "--slow-reader-events",
      defaultValue = "300",
      description =
          "Events posted while the slow reader does not read (default: ${DEFAULT-VALUE}).")
  int slowReaderEvents;

  @Option(
      names = "--crawler",
      defaultValue = "2000",
      description = "Slate GETs for never-seen user ids (default: ${DEFAULT-VALUE}).")
  int crawler;

  @Option(
      names = "--idle",
      defaultValue = "1100",
      description = "Idle TCP connections held open (default: ${DEFAULT-VALUE}).")
  int idle;

  @Option(
      names = "--slowloris",
      defaultValue = "200",
      description =
          "Connections trickling their request headers one byte a second (default:"
              + " ${DEFAULT-VALUE}).")
  int slowloris;

  @Option(
      names = "--load-events",
      defaultValue = "20000",
      description = "Events for the bytes-per-event figure (default: ${DEFAULT-VALUE}).")
  int loadEvents;

  @Option(
      names = "--load-users",
      defaultValue = "2000",
      description = "Users they are spread over (default: ${DEFAULT-VALUE}).")
  int loadUsers;

  @Option(
      names = "--load-reads",
      defaultValue = "2000",
      description = "Slate GETs for the bytes-per-read figure (default: ${DEFAULT-VALUE}).")
  int loadReads;

  @Override
  public Integer call() throws Exception {
    List<String> serveArgs = new ArrayList<>();
    if (model != null) {
      serveArgs.addAll(List.of("--model", model.toString()));
    } else {
      serveArgs.addAll(List.of("--dataset", dataset));
    }
    // The child inherits the environment (CAROUSEL_DATA_DIR) and this JVM's class path.
    List<String> jvmArgs = List.of();
    var figures =
        FaultsBench.run(
            new FaultsBench.Options(
                url,
                dataDir.toAbsolutePath(),
                serveArgs,
                jvmArgs,
                batchLines,
                writers,
                sockets,
                slowReaderEvents,
                crawler,
                idle,
                slowloris,
                loadEvents,
                loadUsers,
                loadReads));
    System.out.println(FaultsBench.toJsonLine(figures));
    return 0;
  }
}
