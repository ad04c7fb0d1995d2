package io.carousel.offline.train;

import io.carousel.engine.privacy.DpSettings;
import io.carousel.engine.wide.WideWeights;
import io.carousel.offline.eval.CarouselRecommender;
import io.carousel.offline.eval.Evaluation;
import io.carousel.offline.eval.LeaveOneOut;
import io.carousel.offline.eval.LeaveOneOut.Stage;
import io.carousel.offline.eval.WideGrid;
import java.io.PrintStream;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;

/** The wide weights that {@link TrainingPipeline} ships with a model, chosen on held-out data. */
final class WideChoice {
  /**
   * Wide weights used when the held-out choice cannot run: the middle of the evaluation grid, logit
   * units.
   */
  static final WideWeights FALLBACK = WideWeights.of(1f, 1f, "fallback");

  /**
   * Largest held-out users × items scored per grid point; past it the held-out users are sampled.
   */
  static final long MAX_CHOICE_CELLS = 64L << 20;

  /** Fewest held-out users a sampled wide weight choice scores. */
  static final int MIN_CHOICE_USERS = 1000;

  private WideChoice() {}

  /**
   * Chooses the wide weights as {@code carousel evaluate} does, on held-out data: each user's last
   * training event (users with at least 3) is held out, the same configuration is trained on the
   * rest for the same epochs, co-visitation is built from the rest, and the pair of {@link
   * Evaluation.Options#DEFAULT_WIDE_GRID}² with the highest NDCG@10 on the held-out events wins
   * ({@link WideGrid}). Costs one more training run on slightly less data. Falls back to {@link
   * #FALLBACK} only when nobody has 3 events; past {@link #MAX_CHOICE_CELLS} held-out users × items
   * it chooses on a seeded sample of the held-out users. With DP on, the weights are chosen with DP
   * co-visitation of the choice's own fit data.
   */
  static WideWeights choose(
      float[][] textVectors,
      List<int[]> sequences,
      TwoTowerConfig config,
      DpSettings dp,
      PrintStream log) {
    long maxUsers = Math.max(MIN_CHOICE_USERS, MAX_CHOICE_CELLS / Math.max(1, textVectors.length));
    return choose(
        textVectors, sequences, config, (int) Math.min(Integer.MAX_VALUE, maxUsers), dp, log);
  }

  /**
   * As {@link #choose(float[][], List, TwoTowerConfig, DpSettings, PrintStream)} with at most
   * {@code maxUsers} held-out users scored per grid point: past it, a seeded sample ({@code
   * config.seed()}) of {@code maxUsers} held-out users chooses (the training data stays the same),
   * instead of falling back.
   */
  static WideWeights choose(
      float[][] textVectors,
      List<int[]> sequences,
      TwoTowerConfig config,
      int maxUsers,
      DpSettings dp,
      PrintStream log) {
    LeaveOneOut split = LeaveOneOut.ofSequences(textVectors.length, sequences);
    int heldOut = split.evaluatedUsers().length;
    if (heldOut == 0) {
      log.printf("no user has 3 training events; wide weights %s%n", FALLBACK.describe());
      return FALLBACK;
    }
    String chosenBy =
        String.format(java.util.Locale.ROOT, "held-out last event of %d users", heldOut);
    if (heldOut > maxUsers) {
      // Scoring every held-out user under every grid point costs users × items per point; a
      // seeded sample keeps the choice (and its cost) bounded on a shop-sized log.
      split = split.sampleEvaluated(maxUsers, config.seed());
      chosenBy =
          String.format(
              java.util.Locale.ROOT,
              "held-out last event of %d users sampled from %d",
              maxUsers,
              heldOut);
      log.printf(
          "%d held-out users x %d items: the wide weights are chosen on a seeded sample of %d"
              + " users%n",
          heldOut, textVectors.length, maxUsers);
    }
    List<int[]> fit = split.fitSequences(Stage.TEST);
    long batches = TwoTowerTrainer.batchesPerEpoch(fit, config) * config.epochs();
    try (ProgressBar bar = Progress.builder("choosing wide weights", batches).build();
        CarouselRecommender model =
            new CarouselRecommender(
                "carousel",
                textVectors,
                new boolean[textVectors.length],
                config,
                0,
                n -> bar.stepTo(n))) {
      // With DP the weights suit noisy statistics; this internal release is not shipped (only the
      // two chosen weights are; docs/security.md says what that choice leaks).
      model.setPrivacy(dp);
      model.fit(fit, textVectors.length);
      WideGrid.Choice choice =
          WideGrid.choose(
              model,
              split,
              Stage.TEST,
              Evaluation.Options.DEFAULT_WIDE_GRID,
              Evaluation.Options.DEFAULT_WIDE_GRID,
              chosenBy,
              false,
              log);
      return choice.weights();
    }
  }
}
