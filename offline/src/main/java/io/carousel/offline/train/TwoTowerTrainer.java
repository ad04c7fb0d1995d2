package io.carousel.offline.train;

import io.carousel.engine.model.ModelException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the two-tower model on next-item prediction and exports it as a SavedModel.
 *
 * <p>Objective: full softmax cross-entropy over all items, as in GRU4Rec-style next-item training
 * (Hidasi et al., "Session-based Recommendations with Recurrent Neural Networks", ICLR 2016) but
 * with the item tower of Covington et al. (RecSys 2016); optimiser Adam (Kingma and Ba, ICLR 2015).
 * Initial weights and mini-batch order come from {@link TwoTowerConfig#seed()}. On CPU, TF's oneDNN
 * kernels (on by default) may sum in a thread-dependent order, so two runs with the same seed can
 * differ by round-off that Adam's first steps amplify; with the environment variable {@code
 * TF_ENABLE_ONEDNN_OPTS=0} they are bit-identical.
 */
public final class TwoTowerTrainer {
  private static final Logger log = LoggerFactory.getLogger(TwoTowerTrainer.class);

  /**
   * What a training run did.
   *
   * @param lossPerEpoch mean training cross-entropy (nats) of each epoch run, in order
   * @param seconds wall-clock training time, graph building and export included (s)
   * @param bestEpoch the 1-based epoch whose weights were exported: the last one without a
   *     validation list, else the one with the lowest validation loss
   * @param validationLossPerEpoch mean validation cross-entropy (nats) per epoch; empty without a
   *     validation list
   */
  public record TrainingReport(
      List<Double> lossPerEpoch,
      double seconds,
      int bestEpoch,
      List<Double> validationLossPerEpoch) {

    /** A report without validation losses. */
    public TrainingReport(List<Double> lossPerEpoch, double seconds, int bestEpoch) {
      this(lossPerEpoch, seconds, bestEpoch, List.of());
    }

    /** Copies the lists. */
    public TrainingReport {
      lossPerEpoch = List.copyOf(lossPerEpoch);
      validationLossPerEpoch = List.copyOf(validationLossPerEpoch);
    }

    /**
     * The losses per epoch for people, 4 significant digits each ({@code [5.432, 4.987]}); the
     * reports' JSON keeps every digit.
     */
    public String lossesForDisplay() {
      return lossPerEpoch.stream()
          .map(l -> String.format(java.util.Locale.ROOT, "%.4g", l))
          .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    }
  }

  /** The weights of the best epoch and the report; the package-level result of {@link #train}. */
  public record Trained(ServingParams params, TrainingReport report) {}

  private TwoTowerTrainer() {}

  /**
   * Returns the number of Adam steps per epoch, {@code ceil(examples / batchSize)}, where every
   * sequence of length L gives L-1 examples; {@code epochs} times this sizes a progress bar.
   */
  public static long batchesPerEpoch(List<int[]> sequences, TwoTowerConfig config) {
    long examples = TrainingExamples.countExamples(sequences);
    return (examples + config.batchSize() - 1) / config.batchSize();
  }

  /**
   * Trains for {@code config.epochs()} epochs and exports the final weights to {@code
   * savedModelDir} (which must not exist or be empty).
   *
   * @param textVectors {@code float[numItems][textDim]} frozen item text vectors; its length fixes
   *     numItems, its values are ignored when {@code config.useText()} is false
   * @param sequences per user, item indices in time order
   * @param onBatch called with the number of batches done so far (all epochs), may be null
   * @throws IllegalArgumentException if there are no examples or an index is out of range
   * @throws ModelException if TensorFlow fails or the export cannot be written
   */
  public static TrainingReport trainAndExport(
      float[][] textVectors,
      List<int[]> sequences,
      TwoTowerConfig config,
      Path savedModelDir,
      IntConsumer onBatch) {
    return trainAndExport(textVectors, sequences, List.of(), 0, config, savedModelDir, onBatch);
  }

  /**
   * Trains with early stopping on {@code validation} and exports the weights of the epoch with the
   * lowest validation loss; stops after {@code patience} epochs without improvement (0: never stops
   * early). With an empty {@code validation} it behaves like the five-argument overload.
   *
   * @throws IllegalArgumentException if there are no examples or an index is out of range
   * @throws ModelException if TensorFlow fails or the export cannot be written
   */
  public static TrainingReport trainAndExport(
      float[][] textVectors,
      List<int[]> sequences,
      List<int[]> validation,
      int patience,
      TwoTowerConfig config,
      Path savedModelDir,
      IntConsumer onBatch) {
    TrainingExamples valid =
        TrainingExamples.from(validation, config.historyLength(), textVectors.length);
    return trainAndExport(textVectors, sequences, valid, patience, config, savedModelDir, onBatch);
  }

  /**
   * Trains with early stopping on held-out examples, one per history (the leave-one-out validation
   * of Kang and McAuley, ICDM 2018, §IV-A: each user's history predicting their second-to-last
   * item), and exports the epoch with the lowest validation loss; otherwise as the seven-argument
   * overload.
   *
   * @param validationHistories item indices, most recent last (the last N are used)
   * @param validationTargets {@code int[validationHistories.size()]}, the held-out items
   * @throws IllegalArgumentException if there are no examples or an index is out of range
   * @throws ModelException if TensorFlow fails or the export cannot be written
   */
  public static TrainingReport trainAndExport(
      float[][] textVectors,
      List<int[]> sequences,
      List<int[]> validationHistories,
      int[] validationTargets,
      int patience,
      TwoTowerConfig config,
      Path savedModelDir,
      IntConsumer onBatch) {
    TrainingExamples valid =
        TrainingExamples.heldOut(
            validationHistories,
            validationTargets,
            config.historyLength(),
            Math.max(1, textVectors.length));
    return trainAndExport(textVectors, sequences, valid, patience, config, savedModelDir, onBatch);
  }

  private static TrainingReport trainAndExport(
      float[][] textVectors,
      List<int[]> sequences,
      TrainingExamples validation,
      int patience,
      TwoTowerConfig config,
      Path savedModelDir,
      IntConsumer onBatch) {
    long start = System.nanoTime();
    Trained trained = train(textVectors, sequences, validation, patience, config, onBatch);
    try (ServingGraph serving = ServingGraph.build(trained.params())) {
      serving.export(savedModelDir, config.useText());
    } catch (IOException | RuntimeException e) {
      throw new ModelException(
          "cannot export the model to " + savedModelDir.toAbsolutePath() + ": " + e.getMessage(),
          e);
    }
    TrainingReport r = trained.report();
    double seconds = (System.nanoTime() - start) / 1e9;
    log.info(
        "trained {} epochs in {} s, exported epoch {} to {}",
        r.lossPerEpoch().size(),
        String.format("%.1f", seconds),
        r.bestEpoch(),
        savedModelDir);
    return new TrainingReport(r.lossPerEpoch(), seconds, r.bestEpoch(), r.validationLossPerEpoch());
  }

  /** Trains without exporting; returns the best epoch's weights (see the public overloads). */
  public static Trained train(
      float[][] textVectors,
      List<int[]> sequences,
      List<int[]> validation,
      int patience,
      TwoTowerConfig config,
      IntConsumer onBatch) {
    TrainingExamples valid =
        TrainingExamples.from(validation, config.historyLength(), Math.max(1, textVectors.length));
    return train(textVectors, sequences, valid, patience, config, onBatch);
  }

  private static Trained train(
      float[][] textVectors,
      List<int[]> sequences,
      TrainingExamples valid,
      int patience,
      TwoTowerConfig config,
      IntConsumer onBatch) {
    long start = System.nanoTime();
    if (textVectors.length == 0) {
      throw new IllegalArgumentException("no items: textVectors is empty");
    }
    int numItems = textVectors.length;
    int n = config.historyLength();
    TrainingExamples train = TrainingExamples.from(sequences, n, numItems);
    if (train.size() == 0) {
      throw new IllegalArgumentException("no training examples: every sequence is shorter than 2");
    }
    int batch = config.batchSize();
    int[] histories = new int[batch * n];
    int[] targets = new int[batch];
    Random rng = new Random(config.seed() ^ 0x5DEECE66DL);
    List<Double> losses = new ArrayList<>();
    List<Double> validLosses = new ArrayList<>();
    ServingParams best = null;
    int bestEpoch = 0;
    double bestValid = Double.POSITIVE_INFINITY;
    int batchesDone = 0;
    try (TrainingGraph graph = new TrainingGraph(textVectors, config)) {
      for (int epoch = 1; epoch <= config.epochs(); epoch++) {
        int[] order = train.shuffledOrder(rng);
        double sum = 0;
        for (int from = 0; from < order.length; from += batch) {
          int count = Math.min(batch, order.length - from);
          train.gather(order, from, count, histories, targets);
          sum += (double) graph.step(histories, targets, count) * count;
          batchesDone++;
          if (onBatch != null) {
            onBatch.accept(batchesDone);
          }
        }
        losses.add(sum / order.length);
        if (valid.size() == 0) {
          log.debug("epoch {}: loss {}", epoch, losses.get(losses.size() - 1));
          continue;
        }
        double validLoss = evaluate(graph, valid, histories, targets, batch);
        validLosses.add(validLoss);
        log.debug("epoch {}: loss {}, validation loss {}", epoch, losses.get(epoch - 1), validLoss);
        if (validLoss < bestValid) {
          bestValid = validLoss;
          bestEpoch = epoch;
          best = graph.servingParams();
        } else if (patience > 0 && epoch - bestEpoch >= patience) {
          break;
        }
      }
      if (best == null) {
        best = graph.servingParams();
        bestEpoch = losses.size();
      }
    } catch (RuntimeException e) {
      if (e instanceof ModelException || e instanceof IllegalArgumentException) {
        throw e;
      }
      throw new ModelException("training failed after " + batchesDone + " batches: " + e, e);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Trained(best, new TrainingReport(losses, seconds, bestEpoch, validLosses));
  }

  private static double evaluate(
      TrainingGraph graph, TrainingExamples valid, int[] histories, int[] targets, int batch) {
    int[] order = new int[valid.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    double sum = 0;
    for (int from = 0; from < order.length; from += batch) {
      int count = Math.min(batch, order.length - from);
      valid.gather(order, from, count, histories, targets);
      sum += (double) graph.evaluate(histories, targets, count) * count;
    }
    return sum / order.length;
  }
}
