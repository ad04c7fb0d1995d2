package io.carousel.cli;

import io.carousel.offline.ope.OpenBanditOpe;
import io.carousel.offline.report.OpeReport;
import io.carousel.offline.report.ReportFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code carousel ope}: learn each policy off-policy on the first half (by time) of the Open Bandit
 * Dataset's random log and estimate its CTR on the second half with IPS, SNIPS and DR ({@link
 * OpenBanditOpe} documents the protocol), next to the logged random and BTS CTRs; with {@code
 * --from-journal}, the same estimators on the log a node served ({@link JournalOpeOutput}).
 */
@Command(
    name = "ope",
    mixinStandardHelpOptions = true,
    description =
        "Off-policy evaluation on the Open Bandit Dataset: learn on the first half of the random"
            + " log, estimate CTR on the second half with IPS/SNIPS/DR and bootstrap 95%% CIs.")
final class OpeCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin OfflineOptions offline;

  @Option(
      names = "--dataset",
      defaultValue = "open-bandit",
      description = "Dataset (only open-bandit; default: ${DEFAULT-VALUE}).")
  String dataset;

  @Option(names = "--campaign", description = "men or women (Open Bandit Dataset).")
  String campaign;

  @Option(
      names = "--from-journal",
      description =
          "Evaluate the log served by ./carousel demo/serve instead: read the embedded journal"
              + " under --data-dir, export it as NDJSON and run IPS/SNIPS/DR on it.")
  boolean fromJournal;

  @Option(
      names = "--data-dir",
      defaultValue = "carousel-data",
      description = "With --from-journal: the node's data directory (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--export",
      description =
          "With --from-journal: NDJSON file of (slate, slot) rows"
              + " (default: <data-dir>/report/served-log.ndjson).")
  Path export;

  @Option(
      names = "--resamples",
      defaultValue = "1000",
      description = "Bootstrap resamples (default: ${DEFAULT-VALUE}).")
  int resamples;

  @Option(
      names = "--seed",
      defaultValue = "20211206",
      description = "Master seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    if (resamples < 1) {
      throw new IllegalArgumentException("--resamples must be >= 1");
    }
    if (fromJournal) {
      Path out = export != null ? export : dataDir.resolve("report").resolve("served-log.ndjson");
      return JournalOpeOutput.run(dataDir, out, offline.report, offline.json, resamples, seed);
    }
    if (campaign == null) {
      throw new IllegalArgumentException("--campaign (men or women) is required");
    }
    if (!dataset.equals("open-bandit")) {
      throw new IllegalArgumentException("--dataset must be open-bandit, got '" + dataset + "'");
    }
    Path root = offline.dataRoot();
    OpenBanditOpe.Report r = OpenBanditOpe.run(root, campaign, resamples, seed);
    String text = ReportFiles.json(OpeReport.toJson(r));
    if (offline.json) {
      System.out.println(text);
    } else {
      System.out.print(OpeReport.text(r, resamples));
    }
    if (offline.report != null) {
      List<Path> files =
          ReportFiles.write(offline.report, "ope-" + campaign, text, OpeReport.chart(r));
      if (!offline.json) {
        System.out.println("report: " + files.get(0) + ", " + files.get(1));
      }
    }
    return 0;
  }
}
