package io.carousel.cli;

import io.carousel.engine.wide.WideWeights;
import io.carousel.offline.data.SessionPickles;
import io.carousel.offline.eval.SessionBenchmark;
import io.carousel.offline.eval.SessionHybrid;
import io.carousel.offline.train.SessionTowerType;
import io.carousel.offline.train.TwoTowerConfig;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code carousel evaluate --protocol published}: the SR-GNN/GCE-GNN session benchmark ({@link
 * SessionBenchmark}) of {@code diginetica-gcegnn} or {@code tmall-gcegnn}, printed next to the
 * published figures.
 */
final class SessionBenchmarkCommand {
  /** Published P@20 / MRR@20 (percent) on the same files, GCE-GNN (SIGIR 2020) Table 3. */
  static final List<SessionBenchmark.Row> DIGINETICA_PUBLISHED =
      List.of(
          new SessionBenchmark.Row("SR-GNN", 50.73, 17.59, 0, "Wu et al., AAAI 2019"),
          new SessionBenchmark.Row("GCE-GNN", 54.22, 19.04, 0, "Wang et al., SIGIR 2020"));

  /** Published P@20 / MRR@20 (percent) on Tmall, GCE-GNN (SIGIR 2020) Table 3. */
  static final List<SessionBenchmark.Row> TMALL_PUBLISHED =
      List.of(
          new SessionBenchmark.Row("SR-GNN", 27.57, 13.72, 0, "as reported by GCE-GNN"),
          new SessionBenchmark.Row("GCE-GNN", 33.42, 15.42, 0, "Wang et al., SIGIR 2020"));

  private SessionBenchmarkCommand() {}

  /** Runs the benchmark with the command's first grid point; returns the exit code. */
  static int run(EvaluateCommand c) {
    List<SessionBenchmark.Row> published =
        switch (c.dataset) {
          case SessionPickles.DIGINETICA -> DIGINETICA_PUBLISHED;
          case SessionPickles.TMALL -> TMALL_PUBLISHED;
          default ->
              throw new IllegalArgumentException(
                  "--protocol published needs --dataset "
                      + SessionPickles.DIGINETICA
                      + " or "
                      + SessionPickles.TMALL
                      + ", got "
                      + c.dataset);
        };
    PrintStream log = c.offline.json ? System.err : System.out;
    SessionPickles data = SessionPickles.read(c.offline.dataRoot().resolve(c.dataset), c.dataset);
    TwoTowerConfig config =
        new TwoTowerConfig(
            c.dims.get(0),
            c.histories.get(0),
            c.epochs,
            128,
            c.learningRates.get(0),
            c.seed,
            false,
            SessionTowerType.fromLabel(c.towers.get(0)),
            c.idL2s.get(0));
    WideWeights wide =
        WideWeights.of(c.wideKnn.get(0), c.wideNext.get(0), "fixed (--wide-knn, --wide-next)");
    SessionBenchmark.Report r =
        SessionBenchmark.run(
            c.dataset,
            data,
            config,
            wide,
            c.wideNeighbours,
            c.easeMaxItems,
            c.maxCases,
            c.seed,
            new SessionBenchmark.Options(
                !c.noSessionTower,
                c.validationShare,
                c.validationCases,
                c.seed,
                SessionHybrid.Grid.standard()),
            log);
    log.println();
    log.println(SessionBenchmark.PROTOCOL);
    log.print(SessionBenchmark.table(r, published));
    return 0;
  }
}
