package io.carousel.offline.train;

import io.carousel.engine.model.ModelFolder;
import io.carousel.engine.model.ModelMeta;
import io.carousel.engine.privacy.DpSettings;
import io.carousel.engine.privacy.PrivacyAccountant;
import io.carousel.engine.privacy.PrivateCoVisitation;
import io.carousel.engine.wide.CoVisitation;
import io.carousel.engine.wide.WideWeights;
import io.carousel.offline.data.Dataset;
import io.carousel.offline.data.TimeSplit;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;

/**
 * dataset → {@link TrainingData} (time split, MiniLM item-text vectors cached on disk by text hash)
 * → two-tower training in TensorFlow Java → a {@link ModelFolder} under {@code
 * dataDir/models/<dataset>-<fingerprint>}: the SavedModel, {@link ModelMeta} and the wide part of
 * the served model, the {@link CoVisitation} lists built from the same training sequences and
 * {@link WideWeights} chosen as {@code carousel evaluate} chooses them ({@link WideChoice}). A
 * model whose fingerprint (data, split, config) matches is reused, so a second run neither
 * re-embeds nor re-trains; a reused folder from before the wide part gets its wide files added.
 */
public final class TrainingPipeline {
  /**
   * The outcome of {@link #prepare}.
   *
   * @param training the training report, or null when an existing model was reused
   * @param embedSeconds wall time of text embedding, s
   * @param embedMisses texts that had to be embedded (0 on a warm cache)
   */
  public record Prepared(
      Dataset dataset,
      TimeSplit split,
      Path modelDir,
      ModelMeta meta,
      TwoTowerTrainer.TrainingReport training,
      double embedSeconds,
      long embedHits,
      long embedMisses) {}

  private TrainingPipeline() {}

  /**
   * Runs the pipeline.
   *
   * @param dataRoot folder holding the datasets
   * @param datasetName e.g. {@code amazon2018-small} or {@code movielens-100k}
   * @param dataDir Carousel's data directory (cache and models go below it)
   * @param trainFraction share of interactions (by time) used for training, in (0, 1]
   * @param log where progress lines go
   * @throws io.carousel.offline.data.DatasetMissingException when the dataset is not under dataRoot
   */
  public static Prepared prepare(
      Path dataRoot,
      String datasetName,
      Path dataDir,
      TwoTowerConfig config,
      double trainFraction,
      PrintStream log) {
    return prepare(dataRoot, datasetName, dataDir, config, trainFraction, DpSettings.OFF, log);
  }

  /**
   * As {@link #prepare(Path, String, Path, TwoTowerConfig, double, PrintStream)} with the DP mode
   * {@code dp}: when on, the training popularity and the wide co-visitation statistics shipped with
   * the model are one DP release ({@link PrivateCoVisitation}), the model folder's name includes
   * the budget, and the release is logged. The two towers are trained as without DP (no DP-SGD).
   */
  public static Prepared prepare(
      Path dataRoot,
      String datasetName,
      Path dataDir,
      TwoTowerConfig config,
      double trainFraction,
      DpSettings dp,
      PrintStream log) {
    TrainingData data = TrainingData.prepare(dataRoot, datasetName, dataDir, trainFraction, log);
    Path modelDir =
        dataDir
            .resolve("models")
            .resolve(
                folderName(datasetName)
                    + "-"
                    + fingerprint(datasetName, trainFraction, config, data, dp));
    ModelFolder folder = ModelFolder.at(modelDir);
    if (dp.enabled() && folder.hasMeta()) {
      // The noisy release is on disk; a second one would spend the budget again.
      log.printf("model %s (%s) is up to date; not re-training%n", modelDir, dp);
      return prepared(data, modelDir, folder.meta(), null);
    }
    PrivateCoVisitation.Result dpRelease = dp.enabled() ? releaseOnce(data, dp, log) : null;
    ModelMeta meta =
        new ModelMeta(
            datasetName,
            data.split().train().size(),
            data.catalog().items(),
            dpRelease == null ? data.trainCounts() : dpRelease.itemCounts());
    if (folder.hasMeta()) {
      log.printf("model %s is up to date; not re-training%n", modelDir);
      String wideProblem = folder.wideProblem();
      if (wideProblem != null) {
        log.printf("model %s: %s; rebuilding the wide files%n", modelDir, wideProblem);
        writeWide(data, config, folder, null, DpSettings.OFF, log);
      }
      return prepared(data, modelDir, meta, null);
    }
    TwoTowerTrainer.TrainingReport report =
        trainAndExport(
            data,
            config,
            meta,
            dpRelease == null ? null : dpRelease.coVisitation(),
            dp,
            modelDir,
            log);
    log.printf(
        "trained in %.1f s; loss per epoch %s; best epoch %d; SavedModel at %s%n",
        report.seconds(), report.lossesForDisplay(), report.bestEpoch(), modelDir);
    return prepared(data, modelDir, meta, report);
  }

  /**
   * The training statistics under DP: the training popularity and the wide co-visitation lists as
   * one DP release, made once per model folder.
   */
  private static PrivateCoVisitation.Result releaseOnce(
      TrainingData data, DpSettings dp, PrintStream log) {
    PrivacyAccountant accountant = new PrivacyAccountant();
    PrivateCoVisitation.Result release =
        PrivateCoVisitation.build(
            data.sequences(),
            data.catalog().size(),
            CoVisitation.DEFAULT_NEIGHBOURS,
            dp,
            dp.noise("co-visitation"),
            accountant);
    log.printf(
        "%s: training statistics released once: %s; spent %s%n",
        dp, release.describe(), accountant.spent());
    return release;
  }

  /**
   * Trains the towers and writes the whole model folder {@code modelDir}: SavedModel, {@link
   * ModelMeta} and the wide files ({@code released}, the DP release, when DP is on).
   *
   * @throws UncheckedIOException if the folder cannot be written
   */
  private static TwoTowerTrainer.TrainingReport trainAndExport(
      TrainingData data,
      TwoTowerConfig config,
      ModelMeta meta,
      CoVisitation released,
      DpSettings dp,
      Path modelDir,
      PrintStream log) {
    long batches = TwoTowerTrainer.batchesPerEpoch(data.sequences(), config) * config.epochs();
    TwoTowerTrainer.TrainingReport[] report = new TwoTowerTrainer.TrainingReport[1];
    try {
      ModelFolder.create(
          modelDir,
          staging -> {
            try (ProgressBar bar = Progress.builder("training two-tower", batches).build()) {
              report[0] =
                  TwoTowerTrainer.trainAndExport(
                      data.textVectors(),
                      data.sequences(),
                      config,
                      staging.dir(),
                      n -> bar.stepTo(n));
            }
            staging.writeMeta(meta);
            writeWide(data, config, staging, released, dp, log);
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the model under " + modelDir, e);
    }
    return report[0];
  }

  private static Prepared prepared(
      TrainingData data, Path modelDir, ModelMeta meta, TwoTowerTrainer.TrainingReport report) {
    return new Prepared(
        data.dataset(),
        data.split(),
        modelDir,
        meta,
        report,
        data.embedSeconds(),
        data.embedHits(),
        data.embedMisses());
  }

  /**
   * Builds the co-visitation lists from the training sequences (or takes {@code released}, the DP
   * release) and writes them with the weights of {@link WideChoice} into {@code folder}; with DP on
   * the weights are chosen with DP co-visitation of the choice's own fit data.
   *
   * @throws UncheckedIOException if a file cannot be written
   */
  private static void writeWide(
      TrainingData data,
      TwoTowerConfig config,
      ModelFolder folder,
      CoVisitation released,
      DpSettings dp,
      PrintStream log) {
    float[][] textVectors = data.textVectors();
    List<int[]> sequences = data.sequences();
    WideWeights weights = WideChoice.choose(textVectors, sequences, config, dp, log);
    long t0 = System.nanoTime();
    CoVisitation coVisitation =
        released != null
            ? released
            : CoVisitation.build(sequences, textVectors.length, CoVisitation.DEFAULT_NEIGHBOURS);
    try {
      folder.writeWide(coVisitation, weights);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the wide part of the model into " + folder.dir(), e);
    }
    // The chosen weights were printed once already, by the choice (WideGrid or the fallback).
    log.printf(
        "co-visitation built from %d training sequences in %.1f s (%d neighbours kept, M=%d)%n",
        sequences.size(),
        (System.nanoTime() - t0) / 1e9,
        coVisitation.storedNeighbours(),
        coVisitation.maxNeighbours());
  }

  /**
   * Returns a folder name for a dataset: named datasets as they are, a {@code file:} source (whose
   * name holds a path and options) as {@code file-<file name>}; the fingerprint tells sources
   * apart.
   */
  public static String folderName(String datasetName) {
    if (!io.carousel.offline.data.FileSource.isFile(datasetName)) {
      return datasetName;
    }
    Path file = io.carousel.offline.data.FileSource.parse(datasetName).path().getFileName();
    return "file-" + String.valueOf(file).replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /**
   * Returns the model folder's fingerprint: the first 5 bytes of SHA-256 over the dataset, split,
   * configuration, training size, text model and every item text; unchanged without DP, so that
   * existing model folders stay valid.
   */
  private static String fingerprint(
      String dataset,
      double trainFraction,
      TwoTowerConfig config,
      TrainingData data,
      DpSettings dp) {
    String privacy = dp.enabled() ? "|dp=" + dp : "";
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(
          (dataset
                  + "|"
                  + trainFraction
                  + "|"
                  + config
                  + "|"
                  + data.split().train().size()
                  + "|"
                  + data.textModel()
                  + privacy)
              .getBytes(StandardCharsets.UTF_8));
      for (String t : data.texts()) {
        md.update(t.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
      }
      return HexFormat.of().formatHex(md.digest(), 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }
}
