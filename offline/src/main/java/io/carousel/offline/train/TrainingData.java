package io.carousel.offline.train;

import io.carousel.engine.Catalog;
import io.carousel.engine.Item;
import io.carousel.engine.text.MiniLmTextEncoder;
import io.carousel.offline.data.Dataset;
import io.carousel.offline.data.DatasetReader;
import io.carousel.offline.data.TimeSplit;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The first half of {@link TrainingPipeline}: a dataset made ready for training. Reads the dataset,
 * splits it by time, embeds every item's text with MiniLM (cached on disk by text hash under {@code
 * dataDir/cache}, so a second run does not re-embed), and cuts the training split into per-user
 * item sequences and per-item training counts.
 *
 * @param dataset the dataset as read
 * @param split earlier interactions (train) and later ones (replay)
 * @param texts {@code [numItems]} item texts in catalogue index order
 * @param textModel the text encoder's id, part of the model folder's fingerprint
 * @param textVectors {@code float[numItems][textDim]} frozen text vectors, catalogue index order
 * @param sequences one time-ordered item sequence per user of the training split
 * @param trainCounts {@code long[numItems]} training interactions per item
 * @param embedSeconds wall time of text embedding, s
 * @param embedHits texts served from the cache
 * @param embedMisses texts that had to be embedded (0 on a warm cache)
 */
public record TrainingData(
    Dataset dataset,
    TimeSplit split,
    List<String> texts,
    String textModel,
    float[][] textVectors,
    List<int[]> sequences,
    long[] trainCounts,
    double embedSeconds,
    long embedHits,
    long embedMisses) {

  /**
   * Prepares the dataset {@code datasetName}.
   *
   * @param dataRoot folder holding the datasets
   * @param datasetName e.g. {@code amazon2018-small} or {@code movielens-100k}
   * @param dataDir Carousel's data directory (the text vector cache goes below it)
   * @param trainFraction share of interactions (by time) used for training, in (0, 1]
   * @param log where progress lines go
   * @throws io.carousel.offline.data.DatasetMissingException when the dataset is not under dataRoot
   */
  public static TrainingData prepare(
      Path dataRoot, String datasetName, Path dataDir, double trainFraction, PrintStream log) {
    Dataset dataset = DatasetReader.read(dataRoot, datasetName);
    TimeSplit split = TimeSplit.byTime(dataset.interactions(), trainFraction);
    logSplit(datasetName, dataset, split, log);
    Catalog catalog = dataset.catalog();

    List<String> texts = new ArrayList<>(catalog.size());
    for (Item item : catalog.items()) {
      texts.add(item.text());
    }
    long t0 = System.nanoTime();
    CachedTextEncoder encoder =
        new CachedTextEncoder(new MiniLmTextEncoder(), dataDir.resolve("cache"));
    float[][] textVectors = encoder.encode(texts);
    double embedSeconds = (System.nanoTime() - t0) / 1e9;
    log.printf(
        "item text embedded with %s: %d newly embedded, %d served from the cache (repeated texts"
            + " included), %.1f s%n",
        encoder.modelId(), encoder.misses(), encoder.hits(), embedSeconds);

    // Weighted event types (--types fav=0.5) are training targets and counts only as targets
    // (issue 13 §4); with the built-in types every event is one, as before.
    List<int[]> sequences =
        new ArrayList<>(TimeSplit.trainingSequences(split.train(), catalog).values());
    return new TrainingData(
        dataset,
        split,
        texts,
        encoder.modelId(),
        textVectors,
        sequences,
        TimeSplit.itemCounts(split.train(), catalog),
        embedSeconds,
        encoder.hits(),
        encoder.misses());
  }

  /** Returns the catalogue, in the index order of every per-item array. */
  public Catalog catalog() {
    return dataset.catalog();
  }

  private static void logSplit(
      String datasetName, Dataset dataset, TimeSplit split, PrintStream log) {
    if (split.replay().isEmpty()) {
      log.printf(
          "dataset %s: %d interactions, %d items; training on all of them%n",
          datasetName, dataset.interactions().size(), dataset.catalog().size());
    } else {
      log.printf(
          "dataset %s: %d interactions, %d items; train %d (earlier), replay %d (later)%n",
          datasetName,
          dataset.interactions().size(),
          dataset.catalog().size(),
          split.train().size(),
          split.replay().size());
    }
  }
}
