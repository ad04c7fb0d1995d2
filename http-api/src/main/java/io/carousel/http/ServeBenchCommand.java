package io.carousel.http;

import io.carousel.engine.data.DataDirs;
import io.carousel.http.bench.ServeBench;
import io.carousel.http.bench.ServeReport;
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

  @Option(
      names = "--catalogue-items",
      defaultValue = "0",
      description =
          "Catalogue size the started server serves: the trained catalogue extended by synthetic"
              + " items drawn from the trained item vectors (serve --catalogue-items; default:"
              + " ${DEFAULT-VALUE}, the trained catalogue). With --url, start the server with it.")
  int catalogueItems;

  @Option(
      names = "--server-jvm",
      split = " ",
      description =
          "Extra JVM options of the started server, space separated (e.g."
              + " -XX:StartFlightRecording=filename=/tmp/s.jfr).")
  List<String> serverJvm = new ArrayList<>();

  @Option(
      names = "--kinds",
      split = ",",
      defaultValue = "health,get,post,mix",
      description =
          "Phases to run, of health, get, post, mix (default: ${DEFAULT-VALUE}; keep health: it is"
              + " the floor).")
  List<String> kinds;

  @Option(names = "--report", description = "Folder for serve-bench.json and serve-bench.png.")
  Path report;

  @Override
  public Integer call() throws Exception {
    if (users < 2 || history < 1 || connections < 1 || seconds <= 0 || warmup < 0 || probeMs < 1) {
      throw new IllegalArgumentException(
          "--users must be >= 2, --history, --connections, --probe-ms >= 1, --seconds > 0");
    }
    if (!List.of("health", "get", "post", "mix").containsAll(kinds)) {
      throw new IllegalArgumentException("--kinds must be of health, get, post, mix: " + kinds);
    }
    if (rates.stream().anyMatch(r -> r <= 0)) {
      throw new IllegalArgumentException("--rates must be > 0");
    }
    if (catalogueItems < 0) {
      throw new IllegalArgumentException("--catalogue-items must be >= 0");
    }
    List<String> serveArgs = new ArrayList<>(List.of("--dataset", dataset));
    if (catalogueItems > 0) {
      serveArgs.addAll(List.of("--catalogue-items", Integer.toString(catalogueItems)));
    }
    Map<String, Object> r =
        ServeBench.run(
            new ServeBench.Options(
                url,
                dataDir.toAbsolutePath(),
                DataDirs.dataRoot(),
                dataset,
                serveArgs,
                serverJvm,
                catalogueItems,
                users,
                history,
                connections,
                rates,
                seconds,
                warmup,
                probeUsers,
                probeMs,
                kinds));
    System.out.println();
    System.out.print(ServeReport.table(r));
    if (report != null) {
      System.out.println("report: " + ServeReport.write(r, report.toAbsolutePath()));
    }
    return 0;
  }
}
