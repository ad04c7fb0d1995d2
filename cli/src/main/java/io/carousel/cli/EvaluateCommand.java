package io.carousel.cli;

import io.carousel.engine.Item;
import io.carousel.engine.text.MiniLmTextEncoder;
import io.carousel.engine.wide.WideWeights;
import io.carousel.offline.data.Dataset;
import io.carousel.offline.data.DatasetReader;
import io.carousel.offline.eval.Evaluation;
import io.carousel.offline.report.EvaluationReportWriter;
import io.carousel.offline.train.CachedTextEncoder;
import io.carousel.offline.train.SessionTowerType;
import io.carousel.offline.train.TwoTowerConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code carousel evaluate}: offline leave-one-out evaluation of the baselines and the two-tower
 * model on one dataset, in one process (see {@link Evaluation} for the protocol).
 */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description =
        "Leave-one-out next-item evaluation (full ranking) of popularity, item-knn, ease, markov,"
            + " bpr-mf and the two-tower model (with and without text) on a real dataset.")
final class EvaluateCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin OfflineOptions offline;

  @Option(
      names = "--dataset",
      required = true,
      completionCandidates = KnownDatasets.class,
      description = "One of: ${COMPLETION-CANDIDATES}; or a shop's own log: file:<path>.")
  String dataset;

  @picocli.CommandLine.Mixin FileDatasetOptions file;

  @picocli.CommandLine.Mixin PrivacyOptions privacy;

  @Option(
      names = "--data-dir",
      defaultValue = "carousel-data",
      description = "Text-embedding cache lives below it (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--cold-items",
      defaultValue = "0",
      description = "Share of items (chosen by --seed) kept out of training (default: 0).")
  double coldItems;

  @Option(names = "--no-text", description = "Run the two-tower model without MiniLM text only.")
  boolean noText;

  @Option(
      names = "--history",
      split = ",",
      defaultValue = "5,20,50",
      description = "Two-tower history lengths to try on validation (default: ${DEFAULT-VALUE}).")
  List<Integer> histories;

  @Option(
      names = "--lr",
      split = ",",
      defaultValue = "0.005",
      description =
          "Two-tower Adam learning rates to try on validation (default: ${DEFAULT-VALUE}).")
  List<Double> learningRates;

  @Option(
      names = "--dim",
      split = ",",
      defaultValue = "64",
      description = "Vector widths to try on validation (default: ${DEFAULT-VALUE}).")
  List<Integer> dims;

  @Option(
      names = "--tower",
      split = ",",
      defaultValue = "attention,pooling",
      description =
          "Session towers to try on validation: attention (SASRec block), pooling"
              + " (default: ${DEFAULT-VALUE}).")
  List<String> towers;

  @Option(
      names = "--id-l2",
      split = ",",
      defaultValue = "0",
      description =
          "L2 weights on the id embeddings to try on validation (default: ${DEFAULT-VALUE}).")
  List<Double> idL2s;

  @Option(
      names = "--wide-knn",
      split = ",",
      defaultValue = "0,0.5,1,2,4,8",
      description =
          "Weights of the wide co-occurrence cosine term (logit units) to try on validation"
              + " (default: ${DEFAULT-VALUE}).")
  List<Float> wideKnn;

  @Option(
      names = "--wide-next",
      split = ",",
      defaultValue = "0,0.5,1,2,4,8",
      description =
          "Weights of the wide transition term (logit units) to try on validation"
              + " (default: ${DEFAULT-VALUE}).")
  List<Float> wideNext;

  @Option(
      names = "--wide-neighbours",
      defaultValue = "200",
      description =
          "Co-visitation neighbours kept per item and list, for the wide term and for item-knn"
              + " (default: ${DEFAULT-VALUE}).")
  int wideNeighbours;

  @Option(
      names = "--epochs",
      defaultValue = "30",
      description = "Most epochs; early stopping on validation loss (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(
      names = "--patience",
      defaultValue = "3",
      description =
          "Epochs without validation improvement before stopping (default: ${DEFAULT-VALUE}).")
  int patience;

  @Option(
      names = "--ease-lambda",
      split = ",",
      defaultValue = "20,100,500",
      description =
          "EASE^R regularisation values to try on validation (default: ${DEFAULT-VALUE}).")
  List<Double> easeLambdas;

  @Option(
      names = "--ease-max-items",
      defaultValue = "3000",
      description =
          "EASE^R keeps the most popular N items (memory 8·N² bytes; default: ${DEFAULT-VALUE}).")
  int easeMaxItems;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed of cold items, weights and sampling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--protocol",
      defaultValue = "leave-one-out",
      description =
          "leave-one-out (every dataset), or published: the SR-GNN/GCE-GNN session protocol"
              + " (P@20, MRR@20 on test.txt prefixes) of diginetica-gcegnn and tmall-gcegnn"
              + " (default: ${DEFAULT-VALUE}).")
  String protocol;

  @Option(
      names = "--max-cases",
      defaultValue = "2147483647",
      description =
          "With --protocol published: score a seeded sample (--seed) of at most this many test"
              + " cases (default: all).")
  int maxCases;

  @Option(
      names = "--validation-share",
      defaultValue = "0.1",
      description =
          "With --protocol published: the latest share of the training sessions whose prefixes"
              + " choose carousel's mixture (the towers train on the rest; default:"
              + " ${DEFAULT-VALUE}).")
  double validationShare;

  @Option(
      names = "--validation-cases",
      defaultValue = "3000",
      description =
          "With --protocol published: at most this many validation prefixes, a seeded sample"
              + " (default: ${DEFAULT-VALUE}).")
  int validationCases;

  @Option(
      names = "--max-users",
      defaultValue = "2147483647",
      description =
          "Leave-one-out: evaluate a seeded sample (--seed) of at most this many users; every"
              + " user's events stay fit data (default: all).")
  int maxUsers;

  @Option(
      names = "--allow-repeats",
      description =
          "Leave-one-out: the shop's repeat behaviour allowed; the user's earlier items stay"
              + " rankable for every model (default: excluded, a target viewed before is a miss) and"
              + " a 'repeat' row is added. The published protocol always allows repeats.")
  boolean allowRepeats;

  @Option(
      names = "--no-session-tower",
      description =
          "With --protocol published: carousel's mixture without the tower part (kNN and repeat"
              + " parts only; no tower training).")
  boolean noSessionTower;

  @Override
  public Integer call() {
    validate();
    privacy.all(); // a bad --dp-* value fails before the dataset is read
    dataset = file.fold(dataset);
    if (protocol.equals("published")) {
      return SessionBenchmarkCommand.run(this);
    }
    if (!DatasetReader.isKnown(dataset)) {
      throw new IllegalArgumentException(
          "unknown dataset '"
              + dataset
              + "'; known: "
              + String.join(", ", DatasetReader.knownNames()));
    }
    PrintStream log = offline.json ? System.err : System.out;
    Path root = offline.dataRoot();
    Dataset d = DatasetReader.read(root, dataset);
    List<String> texts = new ArrayList<>(d.catalog().size());
    for (Item item : d.catalog().items()) {
      texts.add(item.text());
    }
    float[][] textVectors;
    if (noText) {
      textVectors = new float[texts.size()][1];
    } else {
      try (CachedTextEncoder encoder =
          new CachedTextEncoder(new MiniLmTextEncoder(), dataDir.resolve("cache"))) {
        textVectors = encoder.encode(texts);
      }
    }
    List<TwoTowerConfig> grid = new ArrayList<>();
    for (String tower : towers) {
      for (int dim : dims) {
        for (int h : histories) {
          for (double lr : learningRates) {
            for (double l2 : idL2s) {
              grid.add(
                  new TwoTowerConfig(
                      dim, h, epochs, 128, lr, seed, true, SessionTowerType.fromLabel(tower), l2));
            }
          }
        }
      }
    }
    Evaluation.Options options =
        new Evaluation.Options(
            grid,
            easeLambdas,
            easeMaxItems,
            patience,
            coldItems,
            !noText,
            seed,
            wideKnn,
            wideNext,
            wideNeighbours);
    Evaluation.Report r;
    try {
      r = Evaluation.run(d, textVectors, options, privacy.all(), allowRepeats, maxUsers, log);
    } catch (OutOfMemoryError e) {
      // The up-front estimate missed; still one line and exit 2, not a stack trace.
      throw new IllegalArgumentException(
          "evaluate ran out of heap on "
              + d.catalog().size()
              + " items (the estimate missed it): lower --ease-max-items, --wide-neighbours or"
              + " --dim, or raise the heap (JAVA_OPTS=-Xmx…)");
    }
    log.println();
    log.println(r.protocol());
    log.print(EvaluationReportWriter.table(r));
    if (offline.report != null) {
      log.println("report: " + EvaluationReportWriter.write(r, offline.report));
    }
    if (offline.json) {
      System.out.println(EvaluationReportWriter.jsonText(r));
    }
    return 0;
  }

  /**
   * Checks every numeric option before the dataset is read, naming the option: a zero or negative
   * size crashed late ({@code NegativeArraySizeException} after the baselines for {@code
   * --ease-max-items -5}) or was reported as an all-zero config, and a negative regulariser ran.
   *
   * @throws IllegalArgumentException naming the first bad option
   */
  void validate() {
    if (!(coldItems >= 0 && coldItems < 1)) {
      throw new IllegalArgumentException("--cold-items must be in [0, 1)");
    }
    for (int d : dims) {
      atLeast("--dim", d, 1);
    }
    atLeast("--epochs", epochs, 1);
    atLeast("--patience", patience, 0);
    atLeast("--ease-max-items", easeMaxItems, 1);
    atLeast("--wide-neighbours", wideNeighbours, 1);
    atLeast("--max-cases", maxCases, 1);
    atLeast("--validation-cases", validationCases, 1);
    atLeast("--max-users", maxUsers, 1);
    if (!(validationShare > 0 && validationShare < 1)) {
      throw new IllegalArgumentException(
          "--validation-share must be between 0 and 1 (exclusive), got " + validationShare);
    }
    if (!protocol.equals("leave-one-out") && !protocol.equals("published")) {
      throw new IllegalArgumentException(
          "--protocol must be leave-one-out or published, got " + protocol);
    }
    wideWeights("--wide-knn", wideKnn);
    wideWeights("--wide-next", wideNext);
    for (int h : histories) {
      atLeast("--history", h, 1);
    }
    positive("--lr", learningRates);
    positive("--ease-lambda", easeLambdas);
    for (double l2 : idL2s) {
      if (!(l2 >= 0 && Double.isFinite(l2))) {
        throw new IllegalArgumentException("--id-l2 values must be finite and >= 0, got " + l2);
      }
    }
    for (String tower : towers) {
      try {
        SessionTowerType.fromLabel(tower);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--tower " + e.getMessage(), e);
      }
    }
  }

  /** Checks that every weight of {@code grid} is in [0, {@value WideWeights#MAX_WEIGHT}]. */
  private static void wideWeights(String option, List<Float> grid) {
    for (float w : grid) {
      if (!WideWeights.inRange(w)) {
        throw new IllegalArgumentException(
            option + " values must be in [0, " + WideWeights.MAX_WEIGHT + "], got " + w);
      }
    }
  }

  private static void atLeast(String option, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(option + " must be at least " + min + ", got " + value);
    }
  }

  private static void positive(String option, List<Double> values) {
    for (double v : values) {
      if (!(v > 0 && Double.isFinite(v))) {
        throw new IllegalArgumentException(option + " values must be finite and > 0, got " + v);
      }
    }
  }
}
