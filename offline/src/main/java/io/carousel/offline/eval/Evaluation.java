package io.carousel.offline.eval;

import io.carousel.engine.wide.CoVisitation;
import io.carousel.engine.wide.WideWeights;
import io.carousel.offline.data.Dataset;
import io.carousel.offline.eval.LeaveOneOut.Stage;
import io.carousel.offline.train.TwoTowerConfig;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One offline evaluation run: every baseline and the two-tower model on the same {@link
 * LeaveOneOut} split. Settings are chosen on the validation targets only (highest validation
 * NDCG@10 over a small grid); the chosen setting is then fitted on all data before the test target
 * and scored on it. The two-tower model trains once per grid point on the data before the
 * validation target, early-stopped on validation loss; the grid point with the highest validation
 * NDCG@10 is then retrained from the same seed on all data before the test target for its best
 * validation epoch count, and that model is scored on the test target ({@link CarouselRun}). Before
 * the retrain, the weights of the wide co-visitation terms are chosen with the validation model on
 * the validation targets ({@link WideGrid}); {@code carousel} is the towers plus those terms (the
 * shipped model), {@code carousel-tower} the same retrained towers alone.
 */
public final class Evaluation {
  /** Protocol line written into every report. */
  public static final String PROTOCOL =
      "leave-one-out per user/session: sorted by time, ties by item id; last = test,"
          + " second-to-last = validation (tuning, early stopping); full ranking over the"
          + " candidates (catalogue-file items and items with a fit event; a target seen only in"
          + " held-out events is a miss for every model), the user's earlier items excluded; users"
          + " with >= 3 interactions";

  /**
   * What to run.
   *
   * @param carouselGrid candidate two-tower configurations (with text); the no-text ablation reuses
   *     the chosen one with {@code useText = false}
   * @param easeLambdas candidate λ for EASE^R
   * @param easeMaxItems EASE^R item cap (see {@link Ease})
   * @param patience early-stopping patience, epochs
   * @param coldShare share of items made cold, 0 for none
   * @param withText whether to run the two-tower model with text (the no-text ablation always runs)
   * @param seed cold items, BPR-MF, random baseline
   * @param wideKnn candidate weights of the co-occurrence cosine term, logit units (see {@link
   *     io.carousel.engine.wide.WideAndDeep})
   * @param wideNext candidate weights of the transition term, logit units
   * @param wideNeighbours neighbours kept per item in the co-visitation lists
   */
  public record Options(
      List<TwoTowerConfig> carouselGrid,
      List<Double> easeLambdas,
      int easeMaxItems,
      int patience,
      double coldShare,
      boolean withText,
      long seed,
      List<Float> wideKnn,
      List<Float> wideNext,
      int wideNeighbours) {

    /** The default wide weight grid, both terms: {0, 0.5, 1, 2, 4, 8} (logit units). */
    public static final List<Float> DEFAULT_WIDE_GRID = List.of(0f, 0.5f, 1f, 2f, 4f, 8f);

    /** Options with the default wide grid and {@link CoVisitation#DEFAULT_NEIGHBOURS}. */
    public Options(
        List<TwoTowerConfig> carouselGrid,
        List<Double> easeLambdas,
        int easeMaxItems,
        int patience,
        double coldShare,
        boolean withText,
        long seed) {
      this(
          carouselGrid,
          easeLambdas,
          easeMaxItems,
          patience,
          coldShare,
          withText,
          seed,
          DEFAULT_WIDE_GRID,
          DEFAULT_WIDE_GRID,
          CoVisitation.DEFAULT_NEIGHBOURS);
    }
  }

  /**
   * One model's row.
   *
   * @param validation metrics on the validation targets of the chosen setting
   * @param test metrics on the test targets
   * @param trainSeconds wall time to fit the chosen setting (the run scored on test), s
   * @param settings the validation-chosen setting, human-readable
   * @param trainLoss training loss per epoch (two-tower only, else empty)
   * @param validationLoss validation loss per epoch (two-tower only, else empty)
   * @param testRepeatsExcluded with repeats allowed: the same fitted model's test metrics with the
   *     user's earlier items excluded (the default protocol), else null
   */
  public record ModelResult(
      String name,
      Metrics validation,
      Metrics test,
      double trainSeconds,
      String settings,
      List<Double> trainLoss,
      List<Double> validationLoss,
      Metrics testRepeatsExcluded) {
    /** A row of the default protocol (no second test pass). */
    public ModelResult(
        String name,
        Metrics validation,
        Metrics test,
        double trainSeconds,
        String settings,
        List<Double> trainLoss,
        List<Double> validationLoss) {
      this(name, validation, test, trainSeconds, settings, trainLoss, validationLoss, null);
    }
  }

  /**
   * Returns the test metrics of {@code r} with the user's earlier items excluded when {@code split}
   * allows repeats (the same fitted model, a second test pass), else null.
   */
  static Metrics repeatsExcluded(Recommender r, LeaveOneOut split, PrintStream log) {
    if (!split.repeatsAllowed()) {
      return null;
    }
    Metrics m = Evaluator.evaluate(r, split.excludingRepeats(), Stage.TEST);
    log.printf(
        "%-18s   repeats excluded: HR@10 %.4f NDCG@10 %.4f MRR@20 %.4f%n",
        "", m.hrAt10(), m.ndcgAt10(), m.mrrAt20());
    return m;
  }

  /**
   * A whole run.
   *
   * @param users evaluated users (sessions)
   * @param items catalogue size
   * @param coldItems items kept out of training
   * @param candidates items a model may rank on the test targets (listed in the catalogue file or
   *     with an event before the test targets)
   * @param unknownTargets evaluated users whose test target is not a candidate (its item occurs
   *     only in held-out events): a miss for every model, counted in every row's denominator
   */
  public record Report(
      String dataset,
      String protocol,
      int users,
      int items,
      int coldItems,
      int candidates,
      int unknownTargets,
      List<ModelResult> models) {}

  private Evaluation() {}

  /**
   * Runs every model on {@code dataset}.
   *
   * @param textVectors {@code float[numItems][384]} MiniLM item vectors in catalogue order
   * @param log progress lines
   * @throws IllegalArgumentException if no user has the 3 interactions leave-one-out needs
   */
  public static Report run(
      Dataset dataset, float[][] textVectors, Options options, PrintStream log) {
    return run(dataset, textVectors, options, List.of(), false, Integer.MAX_VALUE, log);
  }

  /** Protocol line of a run with repeats allowed. */
  public static final String PROTOCOL_REPEATS =
      PROTOCOL.replace(
          "the user's earlier items excluded",
          "the user's earlier items NOT excluded (repeats allowed: a target viewed before can be a"
              + " hit)");

  /**
   * As {@link #run(Dataset, float[][], Options, PrintStream)}, plus one {@code carousel} row per DP
   * mode in {@code privacy} that is on, named {@code carousel dp ε=E}: the same retrained towers
   * with the co-visitation statistics released under that budget and wide weights chosen on
   * validation with DP statistics (docs/security.md, "Differential privacy (item 6)"). Modes that
   * are off are the plain {@code carousel} row. With {@code allowRepeats} the user's earlier items
   * stay rankable for every model ({@link LeaveOneOut#allowingRepeats}), a {@code repeat} row
   * ({@link RepeatTerm}, decay chosen on validation) is added, and every row also carries the same
   * fitted model's test metrics with repeats excluded.
   *
   * @param maxUsers evaluate a seeded sample ({@code options.seed()}) of at most this many users
   *     (validation and test targets; every user's events stay fit data)
   */
  public static Report run(
      Dataset dataset,
      float[][] textVectors,
      Options options,
      List<io.carousel.engine.privacy.DpSettings> privacy,
      boolean allowRepeats,
      int maxUsers,
      PrintStream log) {
    LeaveOneOut split =
        LeaveOneOut.of(dataset, options.coldShare(), options.seed())
            .sampleEvaluated(maxUsers, options.seed());
    if (allowRepeats) {
      split = split.allowingRepeats();
    }
    int numItems = split.numItems();
    log.printf(
        "%s: %d users (%d evaluated), %d items, %d cold%n",
        dataset.name(), split.numUsers(), split.evaluatedUsers().length, numItems, split.numCold());
    log.printf(
        "candidates: %d items on validation, %d on test (listed or with a fit event); targets seen"
            + " only in held-out events (a miss for every model): %d validation, %d test%n",
        split.numCandidates(Stage.VALIDATION),
        split.numCandidates(Stage.TEST),
        split.unknownTargets(Stage.VALIDATION),
        split.unknownTargets(Stage.TEST));
    if (split.evaluatedUsers().length == 0) {
      // Every model would report HR@10 0.0000 over nobody, then the two-tower would fail.
      throw new IllegalArgumentException(
          dataset.name()
              + ": no user (session) has 3 or more interactions, so leave-one-out has nobody to"
              + " evaluate");
    }
    Runtime rt = Runtime.getRuntime();
    log.println(
        MemoryEstimate.check(
            numItems,
            split.numUsers(),
            dataset.interactions().size(),
            options,
            rt.totalMemory() - rt.freeMemory(),
            rt.maxMemory()));
    List<ModelResult> results = new ArrayList<>();
    results.add(tuned(split, List.of(() -> new RandomScores(options.seed())), r -> "seeded", log));
    results.add(tuned(split, List.of(Popularity::new), r -> "-", log));
    results.add(tuned(split, List.of(Markov::new), r -> "-", log));
    if (allowRepeats) {
      results.add(
          tuned(
              split,
              List.of(
                  () -> new RepeatTerm(0.5f), () -> new RepeatTerm(0.8f), () -> new RepeatTerm(1f)),
              r -> "decay=" + ((RepeatTerm) r).decay(),
              log));
    }
    // The same top-M cosine lists as carousel's wide term, so the two rows differ by the towers.
    results.add(
        tuned(
            split,
            List.of(() -> new ItemKnn(options.wideNeighbours())),
            r -> "M=" + options.wideNeighbours() + " neighbours (--wide-neighbours)",
            log));
    List<Supplier<Recommender>> ease = new ArrayList<>();
    for (double lambda : options.easeLambdas()) {
      ease.add(() -> new Ease(lambda, options.easeMaxItems()));
    }
    results.add(
        tuned(
            split,
            ease,
            r -> "lambda=" + ((Ease) r).lambda() + ", maxItems=" + options.easeMaxItems(),
            log));
    results.add(
        tuned(
            split,
            List.of(() -> new BprMf(64, 30, 0.05, 0.002, options.seed())),
            r -> "factors=64, epochs=30, lr=0.05, reg=0.002",
            log));
    results.addAll(carouselRows(split, textVectors, options, privacy, log));
    return new Report(
        dataset.name(),
        allowRepeats ? PROTOCOL_REPEATS : PROTOCOL,
        split.evaluatedUsers().length,
        numItems,
        split.numCold(),
        split.numCandidates(Stage.TEST),
        split.unknownTargets(Stage.TEST),
        List.copyOf(results));
  }

  /**
   * The two-tower rows: the validation-chosen grid point's wide weights chosen on validation, then
   * {@code carousel} (towers + wide, the shipped model) and {@code carousel-tower} (towers only)
   * from one retrained model, and {@code carousel-no-text} (its own epochs, the same wide weights).
   */
  private static List<ModelResult> carouselRows(
      LeaveOneOut split,
      float[][] textVectors,
      Options options,
      List<io.carousel.engine.privacy.DpSettings> privacy,
      PrintStream log) {
    List<ModelResult> rows = new ArrayList<>();
    TwoTowerConfig chosen = options.carouselGrid().get(0);
    WideWeights wide = null;
    if (options.withText()) {
      CarouselRun best = null;
      try {
        for (TwoTowerConfig c : options.carouselGrid()) {
          CarouselRun run = CarouselRun.validate("carousel", textVectors, split, c, options, log);
          if (best == null || run.validation().ndcgAt10() > best.validation().ndcgAt10()) {
            if (best != null) {
              best.close();
            }
            best = run;
          } else {
            run.close();
          }
        }
        WideGrid.Choice choice = best.chooseWide(split, options, log);
        wide = choice.weights();
        chosen = best.config();
        List<CarouselRun.PrivateVariant> variants = new ArrayList<>();
        for (io.carousel.engine.privacy.DpSettings dp : privacy) {
          if (!dp.enabled()) {
            continue;
          }
          best.model().setPrivacy(dp);
          log.printf(
              "carousel dp: %s; validation release %s%n",
              dp, best.model().privateRelease().describe());
          WideGrid.Choice c = best.chooseWide(split, options, log);
          variants.add(
              new CarouselRun.PrivateVariant(
                  "carousel dp ε=" + dp.budget().label(), dp, c.weights(), c.validation()));
        }
        best.model().setPrivacy(io.carousel.engine.privacy.DpSettings.OFF);
        rows.addAll(
            best.retrain(
                "carousel",
                "carousel-tower",
                textVectors,
                split,
                options,
                wide,
                choice.validation(),
                variants,
                log));
      } finally {
        if (best != null) {
          best.close();
        }
      }
    }
    try (CarouselRun noText =
        CarouselRun.validate(
            "carousel-no-text", textVectors, split, chosen.withUseText(false), options, log)) {
      Metrics wideValidation;
      if (wide == null) {
        WideGrid.Choice choice = noText.chooseWide(split, options, log);
        wide = choice.weights();
        wideValidation = choice.validation();
      } else {
        wideValidation = noText.validationWith(wide, split);
      }
      rows.addAll(
          noText.retrain(
              "carousel-no-text",
              options.withText() ? null : "carousel-no-text-tower",
              textVectors,
              split,
              options,
              wide,
              wideValidation,
              log));
    }
    return rows;
  }

  private static ModelResult tuned(
      LeaveOneOut split,
      List<Supplier<Recommender>> candidates,
      java.util.function.Function<Recommender, String> describe,
      PrintStream log) {
    List<int[]> validFit = split.fitSequences(Stage.VALIDATION);
    Supplier<Recommender> best = null;
    Metrics bestValid = null;
    for (Supplier<Recommender> candidate : candidates) {
      Recommender r = candidate.get();
      r.fit(validFit, split.numItems());
      Metrics m = Evaluator.evaluate(r, split, Stage.VALIDATION);
      if (candidates.size() > 1) {
        log.printf(
            "  %s (%s): validation NDCG@10 %.4f%n", r.name(), describe.apply(r), m.ndcgAt10());
      }
      if (bestValid == null || m.ndcgAt10() > bestValid.ndcgAt10()) {
        best = candidate;
        bestValid = m;
      }
    }
    Recommender r = best.get();
    long t0 = System.nanoTime();
    r.fit(split.fitSequences(Stage.TEST), split.numItems());
    double seconds = (System.nanoTime() - t0) / 1e9;
    Metrics test = Evaluator.evaluate(r, split, Stage.TEST);
    log.printf(
        "%-18s test HR@10 %.4f NDCG@10 %.4f MRR@20 %.4f cov@10 %.3f (fit %.1f s)%n",
        r.name(), test.hrAt10(), test.ndcgAt10(), test.mrrAt20(), test.coverageAt10(), seconds);
    return new ModelResult(
        r.name(),
        bestValid,
        test,
        seconds,
        describe.apply(r),
        List.of(),
        List.of(),
        repeatsExcluded(r, split, log));
  }
}
