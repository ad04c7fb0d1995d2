package io.carousel.engine.eval;

import io.carousel.engine.eval.LeaveOneOut.Stage;
import io.carousel.engine.model.TwoTowerConfig;
import io.carousel.engine.model.TwoTowerTrainer;
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
 * looking at any test target, and score it on the test targets.
 *
 * @param config the configuration trained
 * @param validation metrics on the validation targets
 * @param report the validation run (losses per epoch, best epoch)
 */
record CarouselRun(
    TwoTowerConfig config, Metrics validation, TwoTowerTrainer.TrainingReport report) {

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
    try (ProgressBar bar = io.carousel.engine.Progress.builder(name, batches).build();
        CarouselRecommender model =
            new CarouselRecommender(
                name, textVectors, cold(split), config, options.patience(), n -> bar.stepTo(n))) {
      model.fit(fit, histories, targets);
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
      return new CarouselRun(config, valid, r);
    }
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
   * its row, with this run's validation metrics and losses.
   */
  Evaluation.ModelResult retrain(
      String name, float[][] textVectors, LeaveOneOut split, int patience, PrintStream log) {
    TwoTowerConfig testConfig = config.withEpochs(chosenEpochs());
    List<int[]> fit = split.fitSequences(Stage.TEST);
    long batches = TwoTowerTrainer.batchesPerEpoch(fit, testConfig) * testConfig.epochs();
    try (ProgressBar bar = io.carousel.engine.Progress.builder(name + " (test)", batches).build();
        CarouselRecommender model =
            new CarouselRecommender(
                name, textVectors, cold(split), testConfig, 0, n -> bar.stepTo(n))) {
      model.fit(fit, List.of(), new int[0]);
      bar.stepTo(batches);
      Metrics test = Evaluator.evaluate(model, split, Stage.TEST);
      TwoTowerTrainer.TrainingReport r = model.report();
      String settings =
          String.format(
              "%s, epochs=%d (best %d of %d run on validation, patience %d; test model retrained"
                  + " on fit+validation for %d)",
              describe(config),
              config.epochs(),
              report.bestEpoch(),
              report.lossPerEpoch().size(),
              patience,
              r.lossPerEpoch().size());
      log.printf(
          "%-18s test HR@10 %.4f NDCG@10 %.4f MRR@20 %.4f cov@10 %.3f (retrain %.1f s; %s)%n",
          name,
          test.hrAt10(),
          test.ndcgAt10(),
          test.mrrAt20(),
          test.coverageAt10(),
          r.seconds(),
          settings);
      return new Evaluation.ModelResult(
          name,
          validation,
          test,
          r.seconds(),
          settings,
          report.lossPerEpoch(),
          report.validationLossPerEpoch());
    }
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

  private static boolean[] cold(LeaveOneOut split) {
    boolean[] cold = new boolean[split.numItems()];
    for (int i = 0; i < cold.length; i++) {
      cold[i] = split.isCold(i);
    }
    return cold;
  }
}
