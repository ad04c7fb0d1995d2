package io.carousel.offline.eval;

import io.carousel.engine.wide.WideWeights;
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
      String name,
      double pAt20,
      double mrrAt20,
      double fitSeconds,
      String settings,
      double pHalfWidth,
      double mrrHalfWidth) {
    /** A row without intervals (the published figures). */
    public Row(String name, double pAt20, double mrrAt20, double fitSeconds, String settings) {
      this(name, pAt20, mrrAt20, fitSeconds, settings, Double.NaN, Double.NaN);
    }
  }

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
      Options options,
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
    rows.addAll(carousel(train, numItems, data, cases, config, wide, neighbours, options, log));
    return new Report(name, numItems, cases.length, data.prefixes().size(), List.copyOf(rows));
  }

  /**
   * Carousel's rows: the towers are trained on the first {@code 1 - validationShare} of the
   * training sessions (file order, a time proxy), the {@link SessionHybrid} setting is chosen on
   * prefixes of the rest, then the wide terms and the session-kNN part are refitted on all training
   * sessions (the towers are not trained again) and the test cases scored. Nothing sees a test case
   * before the test pass.
   */
  private static List<Row> carousel(
      List<int[]> train,
      int numItems,
      SessionPickles data,
      int[] cases,
      TwoTowerConfig config,
      WideWeights wide,
      int neighbours,
      Options options,
      PrintStream log) {
    int cut = (int) Math.round(train.size() * (1 - options.validationShare()));
    List<int[]> fitPart = train.subList(0, cut);
    List<int[]> vh = new ArrayList<>();
    List<Integer> vt = new ArrayList<>();
    for (int[] s : train.subList(cut, train.size())) {
      for (int len = 1; len < s.length; len++) {
        vh.add(Arrays.copyOf(s, len));
        vt.add(s[len]);
      }
    }
    int[] pick = sample(vh.size(), options.validationCases(), options.seed());
    List<int[]> valHistories = new ArrayList<>(pick.length);
    int[] valTargets = new int[pick.length];
    for (int k = 0; k < pick.length; k++) {
      valHistories.add(vh.get(pick[k]));
      valTargets[k] = vt.get(pick[k]);
    }
    log.printf(
        Locale.ROOT,
        "validation: towers fit on the first %d of %d training sessions, %d of %d prefixes of the"
            + " other %d%n",
        cut,
        train.size(),
        pick.length,
        vh.size(),
        train.size() - cut);
    List<Row> rows = new ArrayList<>();
    TwoTowerConfig c = config.withUseText(false);
    try (CarouselRecommender carousel =
        new CarouselRecommender(
            "carousel", new float[numItems][1], new boolean[numItems], c, 0, null, neighbours)) {
      carousel.setWideWeights(wide);
      double towerSeconds = 0;
      if (options.tower()) {
        long t0 = System.nanoTime();
        carousel.fit(fitPart, numItems);
        towerSeconds = (System.nanoTime() - t0) / 1e9;
        log.printf(Locale.ROOT, "carousel towers trained in %.1f s%n", towerSeconds);
      }
      long t1 = System.nanoTime();
      SessionHybrid.Tuned tuned =
          SessionHybrid.tune(
              options.tower() ? carousel : null,
              fitPart,
              numItems,
              valHistories,
              valTargets,
              100,
              500,
              options.grid());
      double tuneSeconds = (System.nanoTime() - t1) / 1e9;
      log.printf(
          Locale.ROOT,
          "validation best (%.1f s): P@20 %.2f MRR@20 %.2f with %s%n",
          tuneSeconds,
          100 * tuned.pAt20(),
          100 * tuned.mrrAt20(),
          tuned.best().describe());
      if (options.tower()) {
        Recommender refit =
            new Recommender() {
              @Override
              public String name() {
                return "carousel";
              }

              @Override
              public void fit(List<int[]> sequences, int n) {
                carousel.refitWide(sequences);
              }

              @Override
              public float[][] score(int[] users, int[][] histories) {
                return carousel.score(users, histories);
              }
            };
        Row r = row(refit, train, numItems, data, cases, log);
        rows.add(
            new Row(
                r.name(),
                r.pAt20(),
                r.mrrAt20(),
                towerSeconds + r.fitSeconds(),
                CarouselRun.describe(c)
                    + ", epochs="
                    + c.epochs()
                    + ", towers on the first "
                    + cut
                    + " sessions, wide on all",
                r.pHalfWidth(),
                r.mrrHalfWidth()));
      }
      SessionHybrid hybrid =
          new SessionHybrid(options.tower() ? carousel : null, 100, 500, tuned.best());
      Row h = row(hybrid, train, numItems, data, cases, log);
      rows.add(
          new Row(
              h.name(),
              h.pAt20(),
              h.mrrAt20(),
              towerSeconds + tuneSeconds + h.fitSeconds(),
              tuned.best().describe()
                  + String.format(
                      Locale.ROOT,
                      " (validation P@20 %.2f MRR@20 %.2f on %d cases)",
                      100 * tuned.pAt20(),
                      100 * tuned.mrrAt20(),
                      tuned.cases()),
              h.pHalfWidth(),
              h.mrrHalfWidth()));
    }
    return rows;
  }

  /**
   * Carousel's tuning options.
   *
   * @param tower whether the mixture has the tower part (false: kNN and repeat parts only)
   * @param validationShare share of the training sessions (the latest) held out for validation
   * @param validationCases at most this many validation prefixes, a seeded sample
   */
  public record Options(
      boolean tower,
      double validationShare,
      int validationCases,
      long seed,
      SessionHybrid.Grid grid) {
    /** Returns the defaults: tower on, 10 % of the sessions, 3,000 cases, the standard grid. */
    public static Options defaults(long seed) {
      return new Options(true, 0.1, 3000, seed, SessionHybrid.Grid.standard());
    }
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
    double mrrSquares = 0;
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
        mrrSquares += rank < 20 ? 1.0 / ((rank + 1.0) * (rank + 1.0)) : 0;
      }
    }
    int n = Math.max(1, cases.length);
    double p = hits / n;
    double m = mrr / n;
    Row r =
        new Row(
            model.name(),
            p,
            m,
            seconds,
            settings(model),
            // 95 % normal intervals over the cases: binomial for P@20, the sample variance of the
            // reciprocal ranks for MRR@20.
            1.96 * Math.sqrt(p * (1 - p) / n),
            1.96 * Math.sqrt(Math.max(0, mrrSquares / n - m * m) / n));
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
    if (r instanceof SessionHybrid h) {
      return h.setting().describe();
    }
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
            "%s: %d items, %d of %d test cases (± half-width of the 95 %% interval over the"
                + " cases)%n| model | P@20 | MRR@20 | fit s | settings |%n"
                + "|---|---|---|---|---|%n",
            r.dataset(),
            r.items(),
            r.cases(),
            r.allCases()));
    for (Row row : r.rows()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %.2f ± %.2f | %.2f ± %.2f | %.1f | %s |%n",
              row.name(),
              100 * row.pAt20(),
              100 * row.pHalfWidth(),
              100 * row.mrrAt20(),
              100 * row.mrrHalfWidth(),
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
