package io.carousel.offline.eval;

import io.carousel.engine.wide.WideWeights;
import io.carousel.offline.eval.LeaveOneOut.Stage;
import io.carousel.offline.train.TwoTowerConfig;
import io.carousel.offline.train.TwoTowerTrainer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;

/**
 * The two-tower model under the same protocol as the baselines, in two steps. {@link #validate}:
 * train one configuration on the data before the validation targets, early-stopped on them, and
 * score it on them (this chooses the configuration and the number of epochs). {@link #retrain}:
 * train the chosen configuration again from the same seed on everything before the test targets
 * (the validation items included) for exactly the validation-chosen number of epochs, without
 * looking at any test target, and score it on the test targets. Between the two, {@link
 * #chooseWide} picks the weights of the wide co-visitation terms with the validation model ({@link
 * WideGrid}); the retrained model uses them with co-visitation statistics rebuilt from the
 * test-stage fit sequences.
 *
 * <p>Holds the validation model open (for {@link #chooseWide} and {@link #validationWith}); close
 * the run to free it.
 *
 * @param config the configuration trained
 * @param validation metrics of the pure two-tower ranking on the validation targets
 * @param report the validation run (losses per epoch, best epoch)
 * @param model the validation-stage model, open until {@link #close()}
 */
record CarouselRun(
    TwoTowerConfig config,
    Metrics validation,
    TwoTowerTrainer.TrainingReport report,
    CarouselRecommender model)
    implements AutoCloseable {

  /** Trains {@code config} on the validation-stage fit data and scores the validation targets. */
  static CarouselRun validate(
      String name,
      float[][] textVectors,
      LeaveOneOut split,
      TwoTowerConfig config,
      Evaluation.Options options,
      PrintStream log) {
    List<int[]> fit = split.fitSequences(Stage.VALIDATION);
    List<int[]> histories = new ArrayList<>();
    int[] users = split.evaluatedUsers();
    int[] targets = new int[users.length];
    for (int k = 0; k < users.length; k++) {
      histories.add(split.history(users[k], Stage.VALIDATION));
      targets[k] = split.target(users[k], Stage.VALIDATION);
    }
    long batches = TwoTowerTrainer.batchesPerEpoch(fit, config) * config.epochs();
    CarouselRecommender model =
        new CarouselRecommender(
            name,
            split.candidateText(textVectors, Stage.VALIDATION),
            split.keptOutOfModel(Stage.VALIDATION),
            config,
            options.patience(),
            null,
            options.wideNeighbours());
    try (ProgressBar bar = io.carousel.offline.train.Progress.builder(name, batches).build()) {
      model.fit(fit, histories, targets, n -> bar.stepTo(n));
      bar.stepTo(batches);
      Metrics valid = Evaluator.evaluate(model, split, Stage.VALIDATION);
      TwoTowerTrainer.TrainingReport r = model.report();
      log.printf(
          "%-18s validation NDCG@10 %.4f (train %.1f s; %s; best epoch %d of %d)%n",
          name,
          valid.ndcgAt10(),
          r.seconds(),
          describe(config),
          r.bestEpoch(),
          r.lossPerEpoch().size());
      return new CarouselRun(config, valid, r, model);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * Chooses the wide weights on the validation targets with this run's model ({@link WideGrid}).
   */
  WideGrid.Choice chooseWide(LeaveOneOut split, Evaluation.Options options, PrintStream log) {
    return WideGrid.choose(model, split, options.wideKnn(), options.wideNext(), log);
  }

  /** Returns this run's validation metrics with the wide terms weighted by {@code weights}. */
  Metrics validationWith(WideWeights weights, LeaveOneOut split) {
    model.setWideWeights(weights);
    try {
      return Evaluator.evaluate(model, split, Stage.VALIDATION);
    } finally {
      model.setWideWeights(WideWeights.NONE);
    }
  }

  /** Frees the validation model. */
  @Override
  public void close() {
    model.close();
  }

  /**
   * Returns the number of epochs the test model trains for: the validation run's best epoch (the
   * one whose weights early stopping kept).
   */
  int chosenEpochs() {
    return report.bestEpoch();
  }

  /**
   * Retrains this run's configuration on everything before the test targets for {@link
   * #chosenEpochs()} epochs (no early stopping: the test targets are never looked at) and returns
   * its rows: {@code name} scored with the wide terms weighted by {@code wide} (validation metrics
   * {@code wideValidation}), then, when {@code towerName} is not null, the same retrained model
   * scored with the towers alone (this run's validation metrics).
   *
   * @param wide the validation-chosen wide weights
   * @param wideValidation validation metrics of this run with {@code wide}
   * @param towerName the pure two-tower row's name, or null for no such row
   */
  List<Evaluation.ModelResult> retrain(
      String name,
      String towerName,
      float[][] textVectors,
      LeaveOneOut split,
      Evaluation.Options options,
      WideWeights wide,
      Metrics wideValidation,
      PrintStream log) {
    return retrain(
        name, towerName, textVectors, split, options, wide, wideValidation, List.of(), log);
  }

  /**
   * A DP variant of the {@code carousel} row: the same retrained towers with the co-visitation
   * statistics released under {@code dp} and the wide weights {@code wide} chosen on validation
   * with DP statistics ({@code wideValidation}).
   */
  record PrivateVariant(
      String name,
      io.carousel.engine.privacy.DpSettings dp,
      WideWeights wide,
      Metrics wideValidation) {}

  /**
   * As {@link #retrain(String, String, float[][], LeaveOneOut, Evaluation.Options, WideWeights,
   * Metrics, PrintStream)}, followed by one row per DP variant scored with the same retrained
   * towers (only the wide statistics differ).
   */
  List<Evaluation.ModelResult> retrain(
      String name,
      String towerName,
      float[][] textVectors,
      LeaveOneOut split,
      Evaluation.Options options,
      WideWeights wide,
      Metrics wideValidation,
      List<PrivateVariant> variants,
      PrintStream log) {
    TwoTowerConfig testConfig = config.withEpochs(chosenEpochs());
    List<int[]> fit = split.fitSequences(Stage.TEST);
    long batches = TwoTowerTrainer.batchesPerEpoch(fit, testConfig) * testConfig.epochs();
    try (ProgressBar bar =
            io.carousel.offline.train.Progress.builder(name + " (test)", batches).build();
        CarouselRecommender test =
            new CarouselRecommender(
                name,
                split.candidateText(textVectors, Stage.TEST),
                split.keptOutOfModel(Stage.TEST),
                testConfig,
                0,
                null,
                options.wideNeighbours())) {
      test.fit(fit, List.of(), new int[0], n -> bar.stepTo(n));
      bar.stepTo(batches);
      TwoTowerTrainer.TrainingReport r = test.report();
      String settings =
          String.format(
              "%s, epochs=%d (best %d of %d run on validation, patience %d; test model retrained"
                  + " on fit+validation for %d)",
              describe(config),
              config.epochs(),
              report.bestEpoch(),
              report.lossPerEpoch().size(),
              options.patience(),
              r.lossPerEpoch().size());
      List<Evaluation.ModelResult> rows = new java.util.ArrayList<>();
      String wideSettings =
          String.format(
              "%s, wide: %s (chosen on validation; M=%d co-visitation neighbours; items without"
                  + " co-visitation: neighbour average over T=%d warm items)",
              settings,
              wide.describe(),
              options.wideNeighbours(),
              io.carousel.engine.wide.ColdTransfer.DEFAULT_NEIGHBOURS);
      test.setWideWeights(wide);
      rows.add(row(name, test, split, wideValidation, r, wideSettings, log));
      if (towerName != null) {
        test.setWideWeights(WideWeights.NONE);
        rows.add(row(towerName, test, split, validation, r, settings + ", wide: none", log));
      }
      for (PrivateVariant v : variants) {
        test.setPrivacy(v.dp());
        test.setWideWeights(v.wide());
        rows.add(
            row(
                v.name(),
                test,
                split,
                v.wideValidation(),
                r,
                String.format(
                    "%s, wide: %s (chosen on validation with DP statistics); %s; %s",
                    settings, v.wide().describe(), v.dp(), test.privateRelease().describe()),
                log));
      }
      test.setPrivacy(io.carousel.engine.privacy.DpSettings.OFF);
      return rows;
    }
  }

  private Evaluation.ModelResult row(
      String name,
      CarouselRecommender test,
      LeaveOneOut split,
      Metrics valid,
      TwoTowerTrainer.TrainingReport r,
      String settings,
      PrintStream log) {
    Metrics m = Evaluator.evaluate(test, split, Stage.TEST);
    log.printf(
        "%-18s test HR@10 %.4f NDCG@10 %.4f MRR@20 %.4f cov@10 %.3f (retrain %.1f s; %s)%n",
        name, m.hrAt10(), m.ndcgAt10(), m.mrrAt20(), m.coverageAt10(), r.seconds(), settings);
    return new Evaluation.ModelResult(
        name,
        valid,
        m,
        r.seconds(),
        settings,
        report.lossPerEpoch(),
        report.validationLossPerEpoch(),
        Evaluation.repeatsExcluded(test, split, log));
  }

  /** Returns the tuned hyper-parameters, human-readable (epochs reported separately). */
  static String describe(TwoTowerConfig c) {
    return String.format(
        "tower=%s, dim=%d, history=%d, lr=%s, l2=%s, batch=%d, text=%s",
        c.tower().label(),
        c.dim(),
        c.historyLength(),
        c.learningRate(),
        c.idL2(),
        c.batchSize(),
        c.useText());
  }
}
