package io.carousel.cli;

import io.carousel.offline.bench.ServeBench;
import io.carousel.offline.bench.ServeReport;
import io.carousel.offline.data.DataDirs;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code carousel bench serve}: see {@link ServeBench}. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Serving benchmark on the real HTTP API: starts a server trained on --dataset (or targets"
            + " --url), warms users with their real histories from the log, then runs a closed"
            + " loop (--connections) and open loops at --rates (coordinated-omission corrected)"
            + " for /health/alive (the floor), GET recommendations, POST events and a 2:1 mix,"
            + " with POST -> WebSocket freshness probed during each open-loop mix. Prints a"
            + " table; --report writes serve-bench.json and serve-bench.png.")
final class ServeBenchCommand implements Callable<Integer> {
  @Option(names = "--url", description = "A running server; default: start one.")
  URI url;

  @Option(
      names = "--data-dir",
      defaultValue = "carousel-data-serve-bench",
      description = "The started server's data directory (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--dataset",
      defaultValue = "amazon2018-small",
      completionCandidates = KnownDatasets.class,
      description =
          "The log the server trains on and the histories come from (default: ${DEFAULT-VALUE};"
              + " known: ${COMPLETION-CANDIDATES}).")
  String dataset;

  @Option(
      names = "--users",
      defaultValue = "500",
      description = "Users warmed (default: ${DEFAULT-VALUE}).")
  int users;

  @Option(
      names = "--history",
      defaultValue = "50",
      description = "Most recent events per warmed user (default: ${DEFAULT-VALUE}).")
  int history;

  @Option(
      names = "--connections",
      defaultValue = "16",
      description = "Closed-loop connections (default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(
      names = "--rates",
      split = ",",
      defaultValue = "100,200,400,800",
      description = "Open-loop offered rates, requests/s (default: ${DEFAULT-VALUE}).")
  List<Double> rates;

  @Option(
      names = "--seconds",
      defaultValue = "10",
      description = "Seconds per phase (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(
      names = "--warmup",
      defaultValue = "5",
      description = "Unmeasured closed-loop seconds first (default: ${DEFAULT-VALUE}).")
  double warmup;

  @Option(
      names = "--probe-users",
      defaultValue = "4",
      description = "Users with a WebSocket for the freshness probe (default: ${DEFAULT-VALUE}).")
  int probeUsers;

  @Option(
      names = "--probe-ms",
      defaultValue = "100",
      description = "Pause between freshness probes, ms (default: ${DEFAULT-VALUE}).")
  long probeMs;

  @Option(names = "--report", description = "Folder for serve-bench.json and serve-bench.png.")
  Path report;

  @Override
  public Integer call() throws Exception {
    if (users < 2 || history < 1 || connections < 1 || seconds <= 0 || warmup < 0 || probeMs < 1) {
      throw new IllegalArgumentException(
          "--users must be >= 2, --history, --connections, --probe-ms >= 1, --seconds > 0");
    }
    if (rates.stream().anyMatch(r -> r <= 0)) {
      throw new IllegalArgumentException("--rates must be > 0");
    }
    List<String> serveArgs = new ArrayList<>(List.of("--dataset", dataset));
    Map<String, Object> r =
        ServeBench.run(
            new ServeBench.Options(
                url,
                dataDir.toAbsolutePath(),
                DataDirs.dataRoot(),
                dataset,
                serveArgs,
                List.of(),
                users,
                history,
                connections,
                rates,
                seconds,
                warmup,
                probeUsers,
                probeMs));
    System.out.println();
    System.out.print(ServeReport.table(r));
    if (report != null) {
      System.out.println("report: " + ServeReport.write(r, report.toAbsolutePath()));
    }
    return 0;
  }
}
