package io.carousel.cli;

import io.carousel.engine.tower.DevicePlacement;
import io.carousel.offline.bench.RetrievalBench;
import io.carousel.offline.bench.ScoringBench;
import io.carousel.offline.bench.cluster.ClusterBench;
import io.carousel.offline.bench.cluster.ScaleOutScenario;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code carousel bench}: {@code scoring} measures candidate retrieval (requests/s, p50/p99 ms,
 * resident memory) for micro-batch windows against the no-batching path; {@code devices} reports
 * whether TensorFlow sees a GPU; {@code scale-out} and {@code cluster} drive a loopback cluster of
 * {@code serve} JVMs on Cassandra.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Benchmarks: bench scoring | bench retrieval | bench devices | bench faults | bench serve | bench scale-out"
            + " | bench cluster.",
    subcommands = {
      BenchCommand.Scoring.class,
      BenchCommand.RetrievalIndex.class,
      BenchCommand.Devices.class,
      FaultsCommand.class,
      ServeBenchCommand.class,
      BenchCommand.ScaleOut.class,
      BenchCommand.Cluster.class
    })
final class BenchCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  /** Without a subcommand: prints the usage. */
  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** {@code carousel bench retrieval}: see {@link RetrievalBench}. */
  @Command(
      name = "retrieval",
      mixinStandardHelpOptions = true,
      description =
          "Recall@k and CPU per query of the IVF index against exact retrieval on a trained"
              + " model's vectors, queried with session vectors of real histories of --dataset.")
  static final class RetrievalIndex implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "A trained model folder.")
    Path model;

    @Option(
        names = "--dataset",
        required = true,
        description = "The log whose histories give the queries (the model's own dataset).")
    String dataset;

    @Option(
        names = "--catalogue-items",
        defaultValue = "0",
        description =
            "Extend the catalogue to this many items drawn around the trained ones"
                + " (CatalogueExtension; default: the trained catalogue).")
    int catalogueItems;

    @Option(
        names = "--lists",
        defaultValue = "0",
        description = "IVF lists (default: 0 = sqrt(items)).")
    int lists;

    @Option(
        names = "--probes",
        split = ",",
        defaultValue = "1,2,4,8,16,32",
        description = "Lists probed per query (default: ${DEFAULT-VALUE}).")
    int[] probes;

    @Option(
        names = "--users",
        defaultValue = "1000",
        description = "Queries: users sampled from the log (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--k", defaultValue = "50", description = "k (default: ${DEFAULT-VALUE}).")
    int k;

    @Override
    public Integer call() {
      if (users < 1 || k < 1 || lists < 0 || catalogueItems < 0) {
        throw new IllegalArgumentException("--users and --k must be >= 1, --lists >= 0");
      }
      for (int p : probes) {
        if (p < 1) {
          throw new IllegalArgumentException("--probes: each must be >= 1, got " + p);
        }
      }
      RetrievalBench.Result r =
          RetrievalBench.run(
              model,
              io.carousel.offline.data.DatasetReader.read(
                  io.carousel.offline.data.DataDirs.dataRoot(), dataset),
              catalogueItems,
              lists,
              probes,
              users,
              k,
              42L,
              System.out);
      System.out.printf(
          "%d items, %d queries, k=%d, %d lists built in %.1f s, %d cores%n",
          r.items(),
          r.queries(),
          r.k(),
          r.lists(),
          r.buildSeconds(),
          Runtime.getRuntime().availableProcessors());
      System.out.println(
          "| index | probe | recall@k | items scored | CPU µs/query B=1 | CPU µs/query B=32 |"
              + " matrix MiB |");
      System.out.println("|---|---:|---:|---:|---:|---:|---:|");
      for (RetrievalBench.Row row : r.rows()) {
        System.out.printf(
            "| %s | %d | %.4f | %.1f %% | %.0f | %.0f | %.1f |%n",
            row.index(),
            row.probe(),
            row.recall(),
            100 * row.scannedShare(),
            row.cpuMicrosB1(),
            row.cpuMicrosB32(),
            row.matrixBytes() / 1048576.0);
      }
      return 0;
    }
  }

  /** {@code carousel bench scoring}: see {@link ScoringBench}. */
  @Command(
      name = "scoring",
      mixinStandardHelpOptions = true,
      description =
          "Closed-loop retrieval benchmark on synthetic unit vectors: no-batching (full score"
              + " row + heap) vs exact chunked top-k with micro-batch windows; prints a table.")
  static final class Scoring implements Callable<Integer> {
    @Option(
        names = "--items",
        split = ",",
        defaultValue = "100000,1000000",
        description = "Catalogue sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> itemCounts;

    @Option(
        names = "--dim",
        defaultValue = "64",
        description = "Width (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(
        names = "--windows",
        split = ",",
        defaultValue = "1,8,32,128",
        description = "Micro-batch windows (default: ${DEFAULT-VALUE}).")
    List<Integer> windows;

    @Option(
        names = "--clients",
        defaultValue = "64",
        description = "Concurrent closed-loop clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(
        names = "--workers",
        defaultValue = "2",
        description = "Scoring threads, as the ScoringModel pool (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(
        names = "--k",
        defaultValue = "100",
        description = "Candidates per request (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(
        names = "--flush-ms",
        defaultValue = "2",
        description = "Micro-batch flush deadline, ms (default: ${DEFAULT-VALUE}).")
    long flushMs;

    @Option(
        names = "--seconds",
        defaultValue = "5",
        description = "Measured seconds per configuration (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(
        names = "--warmup",
        defaultValue = "1.5",
        description = "Unmeasured seconds before each (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(
        names = "--hnsw-items",
        defaultValue = "100000",
        description =
            "Also build a Lucene HNSW index for catalogues up to this size and measure its"
                + " recall@k against exact (default: ${DEFAULT-VALUE}; 0 = never).")
    int hnswItems;

    @Override
    public Integer call() throws InterruptedException {
      if (dim < 1 || clients < 1 || workers < 1 || k < 1 || seconds <= 0 || warmup < 0) {
        throw new IllegalArgumentException("--dim, --clients, --workers, --k must be >= 1");
      }
      System.out.printf(
          "retrieval benchmark: %d clients, %d workers, k=%d, flush %d ms, %d cores, VmRSS at"
              + " start %d MiB%n",
          clients,
          workers,
          k,
          flushMs,
          Runtime.getRuntime().availableProcessors(),
          ScoringBench.rssMiB());
      System.out.println(
          "| items | path | window | requests/s | p50 ms | p99 ms | mean batch | VmRSS MiB |");
      System.out.println("|---:|---|---:|---:|---:|---:|---:|---:|");
      List<ScoringBench.HnswRow> hnsw = new java.util.ArrayList<>();
      for (int n : itemCounts) {
        ScoringBench bench = new ScoringBench(n, dim, k, 42L);
        print(bench.run(0, clients, workers, flushMs, warmup, seconds));
        for (int w : windows) {
          print(bench.run(w, clients, workers, flushMs, warmup, seconds));
        }
        if (n <= hnswItems) {
          hnsw.addAll(bench.hnsw(new int[] {k, 2 * k, 4 * k}, 200));
        }
      }
      if (!hnsw.isEmpty()) {
        System.out.printf("%nLucene HNSW (M 16, beam 100) vs exact, one thread, k=%d:%n", k);
        System.out.println(
            "| items | ef | build s | recall@k | HNSW queries/s | exact queries/s (B=1) |");
        System.out.println("|---:|---:|---:|---:|---:|---:|");
        for (ScoringBench.HnswRow r : hnsw) {
          System.out.printf(
              "| %d | %d | %.1f | %.3f | %.0f | %.0f |%n",
              r.items(),
              r.ef(),
              r.buildSeconds(),
              r.recall(),
              r.hnswQueriesPerSecond(),
              r.exactQueriesPerSecond());
        }
      }
      return 0;
    }

    private static void print(ScoringBench.Row r) {
      System.out.printf(
          "| %d | %s | %d | %.1f | %.2f | %.2f | %.1f | %d |%n",
          r.items(),
          r.path(),
          r.window(),
          r.requestsPerSecond(),
          r.p50Ms(),
          r.p99Ms(),
          r.meanBatch(),
          r.rssMiB());
      System.out.flush();
    }
  }

  /** {@code carousel bench devices}: the TensorFlow version and whether GPU:0 runs an op. */
  @Command(
      name = "devices",
      mixinStandardHelpOptions = true,
      description = "Report the TensorFlow version and whether TensorFlow sees /device:GPU:0.")
  static final class Devices implements Callable<Integer> {
    @Override
    public Integer call() {
      DevicePlacement.Probe p = DevicePlacement.probeGpu();
      System.out.println("tensorflow " + p.tensorflowVersion());
      System.out.println(
          "gpu visible: " + p.gpuVisible() + (p.gpuVisible() ? "" : " (" + p.detail() + ")"));
      return p.gpuVisible() ? 0 : 3;
    }
  }

  /** {@code carousel bench scale-out WORK}: see {@link ScaleOutScenario}. */
  @Command(
      name = "scale-out",
      mixinStandardHelpOptions = true,
      description =
          "Scale-out scenario on loopback (nodes local1..3, HTTP 8081-8083, Akka 25521-25523) on"
              + " the Cassandra at $CQL_PORT: node 3 joins under load, node 2 is killed with"
              + " SIGKILL; prints the JSON report last (cluster-conf/scale-out-scenario.sh runs"
              + " it with its own Cassandra).")
  static final class ScaleOut implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "WORK", description = "Folder for models, logs, data.")
    Path work;

    @Override
    public Integer call() throws Exception {
      ScaleOutScenario.runDefault(work, System.out);
      return 0;
    }
  }

  /** {@code carousel bench cluster WORK}: see {@link ClusterBench}. */
  @Command(
      name = "cluster",
      mixinStandardHelpOptions = true,
      description =
          "Grows a loopback cluster 1 -> 2 -> 3 nodes (local1..3) on the Cassandra at $CQL_PORT"
              + " and prints events/s and recommendation p50/p99 per size (docs/deployment.md).")
  static final class Cluster implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "WORK", description = "Folder for models, logs, data.")
    Path work;

    @Override
    public Integer call() throws Exception {
      ClusterBench.run(work, System.out);
      return 0;
    }
  }
}
