package io.carousel.offline.eval;

import io.carousel.engine.model.WideWeights;
import io.carousel.offline.data.SessionPickles;
import io.carousel.offline.train.TwoTowerConfig;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The published session-based protocol of SR-GNN (Wu et al., AAAI 2019, §4.1) and GCE-GNN (Wang et
 * al., SIGIR 2020, §5.1) on their own files: fit on the training sessions, then for every test case
 * (a prefix of a later session) rank all items and score the next item: P@20 (the share of cases
 * whose target is in the top 20) and MRR@20. Items already in the prefix stay rankable (the
 * protocol allows repeats). Ties go to the lower item id, as in {@link Evaluator}.
 *
 * <p>Nothing is tuned on the test cases: every baseline runs with fixed, a-priori settings, and
 * {@code carousel} trains the given configuration for its fixed epochs with the wide terms at fixed
 * weights.
 */
public final class SessionBenchmark {
  /** Protocol line written into the report. */
  public static final String PROTOCOL =
      "SR-GNN/GCE-GNN protocol: fit on all_train_seq.txt, rank all items for each test.txt prefix,"
          + " P@20 and MRR@20 of the next item, prefix items not excluded";

  /**
   * One model's row.
   *
   * @param pAt20 share of cases with the target in the top 20
   * @param mrrAt20 mean reciprocal rank, 0 beyond 20
   * @param fitSeconds fit wall time, s
   */
  public record Row(
      String name, double pAt20, double mrrAt20, double fitSeconds, String settings) {}

  /**
   * A run.
   *
   * @param cases test cases scored (all, or a seeded sample)
   * @param allCases test cases in the file
   */
  public record Report(String dataset, int items, int cases, int allCases, List<Row> rows) {}

  private SessionBenchmark() {}

  /**
   * Runs every baseline and {@code carousel} ({@code config}, text off) on {@code data}.
   *
   * @param maxCases score at most this many test cases, a seeded sample when fewer than all
   * @param neighbours M of item-knn and of the wide term
   */
  public static Report run(
      String name,
      SessionPickles data,
      TwoTowerConfig config,
      WideWeights wide,
      int neighbours,
      int easeMaxItems,
      int maxCases,
      long seed,
      PrintStream log) {
    int numItems = data.numItems();
    List<int[]> train = new ArrayList<>(data.train().size());
    for (int[] s : data.train()) {
      train.add(index(s));
    }
    int[] cases = sample(data.prefixes().size(), maxCases, seed);
    log.printf(
        Locale.ROOT,
        "%s: %d train sessions, %d items, %d of %d test cases%n",
        name,
        train.size(),
        numItems,
        cases.length,
        data.prefixes().size());
    List<Supplier<Recommender>> models = new ArrayList<>();
    models.add(Popularity::new);
    models.add(Markov::new);
    models.add(() -> new ItemKnn(neighbours));
    models.add(() -> new SessionKnn(100, 500));
    models.add(() -> new Ease(100, easeMaxItems));
    // No bpr-mf: it scores by a user factor, and a test session is a user it has never seen.
    List<Row> rows = new ArrayList<>();
    for (Supplier<Recommender> s : models) {
      rows.add(row(s.get(), train, numItems, data, cases, log));
    }
    TwoTowerConfig c = config.withUseText(false);
    try (CarouselRecommender carousel =
        new CarouselRecommender(
            "carousel", new float[numItems][1], new boolean[numItems], c, 0, null, neighbours)) {
      carousel.setWideWeights(wide);
      rows.add(row(carousel, train, numItems, data, cases, log));
    }
    return new Report(name, numItems, cases.length, data.prefixes().size(), List.copyOf(rows));
  }

  private static Row row(
      Recommender model,
      List<int[]> train,
      int numItems,
      SessionPickles data,
      int[] cases,
      PrintStream log) {
    long t0 = System.nanoTime();
    model.fit(train, numItems);
    double seconds = (System.nanoTime() - t0) / 1e9;
    boolean[] none = new boolean[numItems];
    double hits = 0;
    double mrr = 0;
    for (int from = 0; from < cases.length; from += Evaluator.BATCH) {
      int count = Math.min(Evaluator.BATCH, cases.length - from);
      int[][] histories = new int[count][];
      for (int b = 0; b < count; b++) {
        histories[b] = index(data.prefixes().get(cases[from + b]));
      }
      float[][] scores = model.score(new int[count], histories);
      for (int b = 0; b < count; b++) {
        int rank = Evaluator.rank(scores[b], data.labels()[cases[from + b]] - 1, none);
        hits += rank < 20 ? 1 : 0;
        mrr += rank < 20 ? 1.0 / (rank + 1) : 0;
      }
    }
    Row r =
        new Row(
            model.name(),
            hits / Math.max(1, cases.length),
            mrr / Math.max(1, cases.length),
            seconds,
            settings(model));
    log.printf(
        Locale.ROOT,
        "%-12s P@20 %.2f MRR@20 %.2f (fit %.1f s; %s)%n",
        r.name(),
        100 * r.pAt20(),
        100 * r.mrrAt20(),
        seconds,
        r.settings());
    return r;
  }

  private static String settings(Recommender r) {
    if (r instanceof SessionKnn s) {
      return s.describe();
    }
    if (r instanceof ItemKnn k) {
      return "M=" + k.neighbours();
    }
    if (r instanceof Ease e) {
      return "lambda=" + e.lambda();
    }
    if (r instanceof CarouselRecommender c) {
      return CarouselRun.describe(c.config()) + ", epochs=" + c.config().epochs();
    }
    return "-";
  }

  /** Returns the 0-based item indices of 1-based item ids. */
  private static int[] index(int[] ids) {
    int[] out = new int[ids.length];
    for (int k = 0; k < ids.length; k++) {
      out[k] = ids[k] - 1;
    }
    return out;
  }

  /** Returns {@code min(max, n)} case indices, all when {@code max >= n}, else a seeded sample. */
  static int[] sample(int n, int max, long seed) {
    int[] all = new int[n];
    for (int k = 0; k < n; k++) {
      all[k] = k;
    }
    if (max >= n) {
      return all;
    }
    Random rng = new Random(seed);
    for (int k = 0; k < max; k++) {
      int j = k + rng.nextInt(n - k);
      int t = all[k];
      all[k] = all[j];
      all[j] = t;
    }
    int[] out = Arrays.copyOf(all, max);
    Arrays.sort(out);
    return out;
  }

  /** Returns the report as a Markdown table next to the published figures of {@code published}. */
  public static String table(Report r, List<Row> published) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%s: %d items, %d of %d test cases%n| model | P@20 | MRR@20 | fit s | settings |%n"
                + "|---|---|---|---|---|%n",
            r.dataset(),
            r.items(),
            r.cases(),
            r.allCases()));
    for (Row row : r.rows()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %.2f | %.2f | %.1f | %s |%n",
              row.name(),
              100 * row.pAt20(),
              100 * row.mrrAt20(),
              row.fitSeconds(),
              row.settings()));
    }
    for (Row row : published) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s (published) | %.2f | %.2f | - | %s |%n",
              row.name(),
              row.pAt20(),
              row.mrrAt20(),
              row.settings()));
    }
    return sb.toString();
  }
}
