package io.carousel.offline.simulation;

import io.carousel.engine.Catalog;
import io.carousel.engine.tower.TwoTowerScorer;
import io.carousel.offline.data.Interaction;
import io.carousel.offline.data.TimeSplit;
import io.carousel.offline.train.TrainingPipeline;
import io.carousel.offline.train.TwoTowerConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The whole simulation of one dataset: train (or reuse) the two-tower model on the earlier
 * interactions with {@link TrainingPipeline}, precompute the candidates of the later ones ({@link
 * CandidateLog}) and replay them through the five policies ({@link BanditReplay}).
 *
 * <p>Two protocols: <b>report</b> trains on the first 80 % by time and replays the last 20 %;
 * <b>tuning</b> trains on the first 70 % and replays only the slice between the 70 % and the 80 %
 * cut, which lies entirely before the reported replay, so settings chosen there never see it.
 *
 * <p>With several policy seeds the candidate log (the TensorFlow part) is built once and only the
 * replay repeats, seed {@code settings.seed() + i} for run i, so run 0 is the single-seed run; the
 * greedy ranking does not depend on the seed, every other policy does.
 */
public final class Simulation {

  /** Share of interactions (by time) the reported run trains on. */
  public static final double REPORT_TRAIN_FRACTION = 0.8;

  /** Share the tuning run trains on; it replays up to {@link #REPORT_TRAIN_FRACTION}. */
  public static final double TUNING_TRAIN_FRACTION = 0.7;

  /**
   * A finished run.
   *
   * @param dataset dataset name
   * @param protocol {@code report} or {@code tuning}
   * @param trainInteractions interactions the model was trained on
   * @param laterInteractions interactions available to replay (before --max-events)
   * @param scoringSeconds wall time of the batched TensorFlow candidate scoring, s
   * @param replaySeconds wall time of the policy replay, s
   * @param settings the settings used (its seed is run 0's)
   * @param outcome hits and curves per policy of run 0
   * @param seedOutcomes the outcome of every policy seed, run 0 first (one entry for one seed)
   */
  public record Report(
      String dataset,
      String protocol,
      int trainInteractions,
      int laterInteractions,
      double scoringSeconds,
      double replaySeconds,
      SimulationSettings settings,
      BanditReplay.Outcome outcome,
      List<BanditReplay.Outcome> seedOutcomes) {

    /**
     * Returns {@code double[seeds]}: per seed, the best per-user bandit's hits over the greedy
     * model's (NaN when greedy has no hit).
     */
    public double[] bestOverGreedy() {
      double[] r = new double[seedOutcomes.size()];
      for (int i = 0; i < r.length; i++) {
        BanditReplay.Outcome o = seedOutcomes.get(i);
        r[i] = ratio(o, o.bestPerUserBandit().name());
      }
      return r;
    }

    /** Returns {@code double[seeds]}: per seed, policy {@code name}'s hits over greedy's. */
    public double[] overGreedy(String name) {
      double[] r = new double[seedOutcomes.size()];
      for (int i = 0; i < r.length; i++) {
        r[i] = ratio(seedOutcomes.get(i), name);
      }
      return r;
    }

    /** Returns {@code double[seeds]}: per seed, the hit rate of policy {@code name}. */
    public double[] hitRates(String name) {
      double[] r = new double[seedOutcomes.size()];
      for (int i = 0; i < r.length; i++) {
        BanditReplay.Outcome o = seedOutcomes.get(i);
        r[i] = o.hitRate(o.policy(name));
      }
      return r;
    }

    private static double ratio(BanditReplay.Outcome o, String name) {
      long greedy = o.policy(BanditReplay.GREEDY).hits();
      return greedy == 0 ? Double.NaN : (double) o.policy(name).hits() / greedy;
    }
  }

  private Simulation() {}

  /**
   * Runs the simulation of {@code dataset}; progress lines go to {@code log}.
   *
   * @param dataRoot folder holding the datasets
   * @param dataDir Carousel's data directory (model and text-embedding caches)
   * @param tuning true for the tuning protocol, false for the reported one
   * @param seeds how many policy seeds to replay the same candidate log with, at least 1
   * @throws io.carousel.offline.data.DatasetMissingException when the dataset is absent
   * @throws IllegalArgumentException for an unknown dataset name
   */
  public static Report run(
      Path dataRoot,
      String dataset,
      Path dataDir,
      SimulationSettings settings,
      boolean tuning,
      int seeds,
      PrintStream log) {
    if (seeds < 1) {
      throw new IllegalArgumentException("seeds must be >= 1, got " + seeds);
    }
    double trainFraction = tuning ? TUNING_TRAIN_FRACTION : REPORT_TRAIN_FRACTION;
    TrainingPipeline.Prepared prepared =
        TrainingPipeline.prepare(
            dataRoot, dataset, dataDir, TwoTowerConfig.defaults(), trainFraction, log);
    TimeSplit split = prepared.split();
    if (tuning) {
      List<Interaction> all = prepared.dataset().interactions();
      int end = TimeSplit.byTime(all, REPORT_TRAIN_FRACTION).train().size();
      split = new TimeSplit(split.train(), all.subList(split.train().size(), end));
    }
    log.printf(
        "%s protocol: model trained on %d interactions, replaying %d later ones%s%n",
        tuning ? "tuning" : "report",
        split.train().size(),
        split.replay().size(),
        settings.maxEvents() > 0 ? " (at most " + settings.maxEvents() + ")" : "");
    try (TwoTowerScorer scorer = TwoTowerScorer.load(prepared.modelDir())) {
      long t0 = System.nanoTime();
      CandidateLog candidates =
          CandidateLog.build(
              split,
              prepared.meta().catalog(),
              scorer::score,
              scorer.historyLength(),
              settings.candidates(),
              settings.batchSize(),
              settings.maxEvents());
      double scoring = (System.nanoTime() - t0) / 1e9;
      long t1 = System.nanoTime();
      int[] trainSequence = trainSequence(split.train(), prepared.meta().catalog());
      List<BanditReplay.Outcome> outcomes = new java.util.ArrayList<>(seeds);
      for (int i = 0; i < seeds; i++) {
        outcomes.add(
            BanditReplay.run(
                candidates,
                scorer.itemVectors(),
                prepared.meta().trainCounts(),
                trainSequence,
                settings.withSeed(settings.seed() + i)));
      }
      double replay = (System.nanoTime() - t1) / 1e9;
      log.printf(
          "scored %d steps in %.1f s, replayed 5 policies with %d seed(s) in %.1f s%n",
          candidates.steps(), scoring, seeds, replay);
      return new Report(
          dataset,
          tuning ? "tuning" : "report",
          split.train().size(),
          split.replay().size(),
          scoring,
          replay,
          settings,
          outcomes.get(0),
          List.copyOf(outcomes));
    }
  }

  /** Returns the catalogue indices of {@code train} in its (time) order, unknown items skipped. */
  static int[] trainSequence(List<Interaction> train, Catalog catalog) {
    return train.stream().mapToInt(i -> catalog.indexOf(i.itemId())).filter(i -> i >= 0).toArray();
  }
}
