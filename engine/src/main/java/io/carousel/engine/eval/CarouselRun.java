package io.carousel.engine.eval;

import io.carousel.engine.eval.LeaveOneOut.Stage;
import io.carousel.engine.model.TwoTowerConfig;
import io.carousel.engine.model.TwoTowerTrainer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;

/**
 * Trains one two-tower configuration on the data before the validation targets (early stopping on
 * them) and scores it on the validation and the test targets.
 *
 * @param config the configuration trained
 * @param result its row
 */
record CarouselRun(TwoTowerConfig config, Evaluation.ModelResult result) {

  static CarouselRun train(
      String name,
      float[][] textVectors,
      LeaveOneOut split,
      TwoTowerConfig config,
      Evaluation.Options options,
      PrintStream log) {
    boolean[] cold = new boolean[split.numItems()];
    for (int i = 0; i < cold.length; i++) {
      cold[i] = split.isCold(i);
    }
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
                name, textVectors, cold, config, options.patience(), n -> bar.stepTo(n))) {
      model.fit(fit, histories, targets);
      bar.stepTo(batches);
      Metrics valid = Evaluator.evaluate(model, split, Stage.VALIDATION);
      Metrics test = Evaluator.evaluate(model, split, Stage.TEST);
      TwoTowerTrainer.TrainingReport r = model.report();
      String settings =
          String.format(
              "dim=%d, history=%d, lr=%s, batch=%d, epochs=%d (best %d of %d run, patience %d),"
                  + " text=%s",
              config.dim(),
              config.historyLength(),
              config.learningRate(),
              config.batchSize(),
              config.epochs(),
              r.bestEpoch(),
              r.lossPerEpoch().size(),
              options.patience(),
              config.useText());
      log.printf(
          "%-18s validation NDCG@10 %.4f | test HR@10 %.4f NDCG@10 %.4f MRR@20 %.4f cov@10 %.3f"
              + " (train %.1f s; %s)%n",
          name,
          valid.ndcgAt10(),
          test.hrAt10(),
          test.ndcgAt10(),
          test.mrrAt20(),
          test.coverageAt10(),
          r.seconds(),
          settings);
      return new CarouselRun(
          config,
          new Evaluation.ModelResult(
              name,
              valid,
              test,
              r.seconds(),
              settings,
              r.lossPerEpoch(),
              r.validationLossPerEpoch()));
    }
  }
}
