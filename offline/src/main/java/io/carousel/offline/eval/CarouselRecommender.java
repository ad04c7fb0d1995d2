package io.carousel.offline.eval;

import io.carousel.engine.tower.TwoTowerScorer;
import io.carousel.engine.wide.CoVisitation;
import io.carousel.engine.wide.WideAndDeep;
import io.carousel.engine.wide.WideWeights;
import io.carousel.offline.train.TwoTowerConfig;
import io.carousel.offline.train.TwoTowerTrainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The two-tower model under evaluation, trained through {@link TwoTowerTrainer} (exported and
 * loaded back through {@link TwoTowerScorer}, so the serving path is what is measured).
 *
 * <p>Cold items never enter training: the model is trained on the warm items only (indices
 * remapped), and a cold item's vector comes from the exported {@code item_vector_from_text}
 * signature, {@code normalize(text · W_text)}; without text a cold item has the zero vector (score
 * 0).
 *
 * <p>Scores {@code float[B][numItems]} are those of the shipped model, {@link
 * WideAndDeep#scoreAll}: the tower logit ({@code logitScale · cosine}, the learned inverse
 * temperature) plus the wide co-visitation terms, weighted by {@link #setWideWeights} (none until
 * set, i.e. the pure two-tower ranking). The {@link CoVisitation} is rebuilt from the sequences of
 * every {@link #fit}; cold items never occur there, so their wide term is the neighbour average of
 * {@link io.carousel.engine.wide.ColdTransfer} over their T nearest warm items by item vector
 * (their vectors from text), as is that of any warm item without a fit occurrence.
 */
public final class CarouselRecommender implements Recommender, AutoCloseable {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(CarouselRecommender.class);
  private final String name;
  private final float[][] textVectors;
  private final boolean[] cold;
  private final TwoTowerConfig config;
  private final int patience;
  private final IntConsumer onBatch;
  private final int wideNeighbours;
  private WideWeights wideWeights = WideWeights.NONE;
  private io.carousel.engine.privacy.DpSettings privacy = io.carousel.engine.privacy.DpSettings.OFF;
  private io.carousel.engine.privacy.PrivateCoVisitation.Result privateRelease;
  private List<int[]> fitSequences;
  private WideAndDeep ranking;
  private int[] warmIndex;
  private TwoTowerScorer scorer;
  private float[][] allItems;
  private TwoTowerTrainer.TrainingReport report;

  /**
   * Creates an untrained model.
   *
   * @param textVectors {@code float[numItems][384]} frozen MiniLM item vectors
   * @param cold {@code boolean[numItems]}, items to keep out of training
   * @param patience early-stopping patience in epochs
   * @param onBatch progress callback (batches done), may be null
   */
  public CarouselRecommender(
      String name,
      float[][] textVectors,
      boolean[] cold,
      TwoTowerConfig config,
      int patience,
      IntConsumer onBatch) {
    this(name, textVectors, cold, config, patience, onBatch, CoVisitation.DEFAULT_NEIGHBOURS);
  }

  /**
   * Creates an untrained model whose co-visitation lists keep {@code wideNeighbours} per item.
   *
   * @param wideNeighbours M of {@link CoVisitation#build}, at least 1
   */
  public CarouselRecommender(
      String name,
      float[][] textVectors,
      boolean[] cold,
      TwoTowerConfig config,
      int patience,
      IntConsumer onBatch,
      int wideNeighbours) {
    this.wideNeighbours = wideNeighbours;
    this.name = name;
    this.textVectors = textVectors;
    this.cold = cold.clone();
    this.config = config;
    this.patience = patience;
    this.onBatch = onBatch;
  }

  @Override
  public String name() {
    return name;
  }

  /** Returns the configuration it trains with. */
  public TwoTowerConfig config() {
    return config;
  }

  /** Returns the last training run's report (losses per epoch, seconds), or null before fit. */
  public TwoTowerTrainer.TrainingReport report() {
    return report;
  }

  @Override
  public void fit(List<int[]> sequences, int numItems) {
    fit(sequences, List.of(), new int[0]);
  }

  /**
   * Trains on {@code sequences} with early stopping on the held-out examples ({@code
   * validationHistories[k]} predicting {@code validationTargets[k]}); held-out examples whose
   * target is cold are left out.
   */
  public void fit(List<int[]> sequences, List<int[]> validationHistories, int[] validationTargets) {
    fit(sequences, validationHistories, validationTargets, onBatch);
  }

  /**
   * As {@link #fit(List, List, int[])}, reporting progress to {@code progress} (batches done, may
   * be null) instead of the constructor's callback.
   */
  public void fit(
      List<int[]> sequences,
      List<int[]> validationHistories,
      int[] validationTargets,
      IntConsumer progress) {
    closeScorer();
    int n = textVectors.length;
    warmIndex = new int[n];
    List<float[]> warmText = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      warmIndex[i] = cold[i] ? -1 : warmText.size();
      if (!cold[i]) {
        warmText.add(textVectors[i]);
      }
    }
    List<int[]> train = new ArrayList<>(sequences.size());
    for (int[] s : sequences) {
      train.add(remap(s));
    }
    List<int[]> vh = new ArrayList<>();
    List<Integer> vt = new ArrayList<>();
    for (int k = 0; k < validationTargets.length; k++) {
      if (!cold[validationTargets[k]]) {
        vh.add(remap(validationHistories.get(k)));
        vt.add(warmIndex[validationTargets[k]]);
      }
    }
    Path dir;
    try {
      dir = Files.createTempDirectory("carousel-eval-").resolve("model");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary model folder", e);
    }
    float[][] warm = warmText.toArray(new float[0][]);
    report =
        TwoTowerTrainer.trainAndExport(
            warm,
            train,
            vh,
            vt.stream().mapToInt(Integer::intValue).toArray(),
            patience,
            config,
            dir,
            progress);
    scorer = TwoTowerScorer.load(dir);
    float[][] warmVectors = scorer.itemVectors();
    float[][] coldVectors = new float[0][];
    if (scorer.hasTextTower()) {
      List<float[]> coldText = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (cold[i]) {
          coldText.add(textVectors[i]);
        }
      }
      coldVectors = scorer.itemVectorsFromText(coldText.toArray(new float[0][]));
    }
    allItems = new float[n][];
    int c = 0;
    for (int i = 0; i < n; i++) {
      if (!cold[i]) {
        allItems[i] = warmVectors[warmIndex[i]];
      } else {
        allItems[i] = coldVectors.length > 0 ? coldVectors[c++] : new float[scorer.dim()];
      }
    }
    deleteQuietly(dir.getParent());
    fitSequences = sequences;
    ranking =
        new WideAndDeep(allItems, scorer.logitScale(), coVisitation(sequences, n), wideWeights);
    LOG.debug(
        "{}: {} items without co-visitation get a transferred wide term ({} reverse entries)",
        name,
        ranking.coldTransfer().coldItems(),
        ranking.coldTransfer().entries());
  }

  private CoVisitation coVisitation(List<int[]> sequences, int n) {
    if (!privacy.enabled()) {
      privateRelease = null;
      return CoVisitation.build(sequences, n, wideNeighbours);
    }
    privateRelease =
        io.carousel.engine.privacy.PrivateCoVisitation.build(
            sequences,
            n,
            wideNeighbours,
            privacy,
            privacy.noise("co-visitation"),
            new io.carousel.engine.privacy.PrivacyAccountant());
    return privateRelease.coVisitation();
  }

  /**
   * Sets the DP mode of the co-visitation statistics (default off); after {@link #fit} it rebuilds
   * them from the same fit sequences (the towers stay as trained: no DP-SGD), so one trained model
   * can be scored at several budgets.
   */
  public void setPrivacy(io.carousel.engine.privacy.DpSettings dp) {
    privacy = dp;
    if (ranking != null) {
      ranking =
          new WideAndDeep(
              allItems,
              scorer.logitScale(),
              coVisitation(fitSequences, allItems.length),
              wideWeights);
    }
  }

  /** Returns the last DP release of the co-visitation statistics, or null with DP off. */
  public io.carousel.engine.privacy.PrivateCoVisitation.Result privateRelease() {
    return privateRelease;
  }

  /**
   * Rebuilds the wide co-visitation terms from {@code sequences} and keeps the trained towers: the
   * cheap part of a refit (the session benchmark tunes on a split of the training sessions, then
   * refits the wide terms on all of them without training the towers again).
   */
  public void refitWide(List<int[]> sequences) {
    if (ranking == null) {
      throw new IllegalStateException("refitWide before fit");
    }
    fitSequences = sequences;
    ranking =
        new WideAndDeep(
            allItems, scorer.logitScale(), coVisitation(sequences, allItems.length), wideWeights);
  }

  /** Sets the weights of the wide terms for later {@link #score} calls (before or after fit). */
  public void setWideWeights(WideWeights weights) {
    wideWeights = weights;
    if (ranking != null) {
      ranking = ranking.withWeights(weights);
    }
  }

  /** Returns the ranking function of the fitted model (null before fit). */
  public WideAndDeep ranking() {
    return ranking;
  }

  /**
   * Returns the session vectors {@code float[B][dim]} of {@code histories} (original item indices;
   * cold items must not occur).
   */
  public float[][] sessionVectors(int[][] histories) {
    int[][] remapped = new int[histories.length][];
    for (int b = 0; b < histories.length; b++) {
      remapped[b] = remap(histories[b]);
    }
    return scorer.sessionVectors(remapped);
  }

  private int[] remap(int[] s) {
    int[] out = new int[s.length];
    for (int k = 0; k < s.length; k++) {
      out[k] = warmIndex[s[k]];
      if (out[k] < 0) {
        throw new IllegalArgumentException("cold item " + s[k] + " in a training sequence");
      }
    }
    return out;
  }

  @Override
  public float[][] score(int[] users, int[][] histories) {
    return ranking.scoreAll(sessionVectors(histories), histories);
  }

  private void closeScorer() {
    if (scorer != null) {
      scorer.close();
      scorer = null;
    }
  }

  /** Frees the loaded model. */
  @Override
  public void close() {
    closeScorer();
  }

  private static void deleteQuietly(Path dir) {
    // The loaded bundle has read everything it needs; the files are only temporary.
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn("cannot delete the temporary model {}: {}", dir, e.toString());
    }
  }
}
