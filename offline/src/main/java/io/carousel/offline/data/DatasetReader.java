package io.carousel.offline.data;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a named real dataset from the data root (see {@link DataDirs}) into a {@link Dataset}:
 * interactions sorted by (timestampMs, userId, itemId), catalogue of every item that occurs in them
 * ordered by item id (all-digit ids numerically first, then the rest as strings), so the dense
 * index is stable across runs.
 *
 * <p>Amazon reviews and MovieLens ratings keep only the earliest interaction of each (user, item)
 * pair. Diginetica keeps repeated views of an item within a session (session code paths need them)
 * and drops only exact repeats. The SR-GNN/GCE-GNN session sets ({@link SessionPickles}) keep every
 * click.
 */
public final class DatasetReader {
  /** Gift Cards and Magazine Subscriptions 5-core reviews combined; the default demo dataset. */
  public static final String AMAZON_2018_SMALL = "amazon2018-small";

  /** Amazon 2018 Gift Cards 5-core alone. */
  public static final String AMAZON_GIFT_CARDS = "amazon-gift-cards";

  /** Amazon 2018 Magazine Subscriptions 5-core alone. */
  public static final String AMAZON_MAGAZINE = "amazon-magazine";

  /** MovieLens 100K ratings as clicks. */
  public static final String MOVIELENS_100K = "movielens-100k";

  /** DIGINETICA item-view sample, sessions as users, no item text. */
  public static final String DIGINETICA_SAMPLE = "diginetica-sample";

  private static final String AMAZON_FOLDER = "amazon2018-small";

  private DatasetReader() {}

  /** Returns the names {@link #read} accepts, default dataset first. */
  public static List<String> knownNames() {
    return List.of(
        AMAZON_2018_SMALL,
        AMAZON_GIFT_CARDS,
        AMAZON_MAGAZINE,
        MOVIELENS_100K,
        DIGINETICA_SAMPLE,
        SessionPickles.DIGINETICA,
        SessionPickles.TMALL);
  }

  /**
   * Returns true for a name {@link #read} accepts: one of {@link #knownNames()} or {@code
   * file:<path>[;options]} (see {@link FileSource}).
   */
  public static boolean isKnown(String name) {
    return knownNames().contains(name) || FileSource.isFile(name);
  }

  /**
   * Reads dataset {@code name} from {@code dataRoot}, or a shop's own file for a {@code file:} name
   * (relative paths from the working directory; the bad-row summary goes to stderr).
   *
   * @throws IllegalArgumentException if {@code name} is not one of {@link #knownNames()} and not
   *     {@code file:}, or a file's header lacks a mapped column
   * @throws BadRowsException if a file has more bad rows than its {@code max-bad-rows}
   * @throws DatasetMissingException if a file of the dataset is absent (names the path, official
   *     source and licence)
   * @throws UncheckedIOException if a file cannot be read or parsed
   */
  public static Dataset read(Path dataRoot, String name) {
    if (FileSource.isFile(name)) {
      LogBuilder fileLog = new LogBuilder(false);
      FileLogReader.Reports reports = FileLogReader.read(FileSource.parse(name), fileLog);
      // Bad rows are reported, never dropped silently; stderr keeps --json output clean.
      System.err.println("read " + reports.log().summary());
      if (reports.items() != null) {
        System.err.println("read " + reports.items().summary());
      }
      return fileLog.build(name);
    }
    Path amazon = dataRoot.resolve(AMAZON_FOLDER);
    LogBuilder log;
    switch (name) {
      case AMAZON_2018_SMALL -> {
        log = new LogBuilder(true);
        AmazonReader.read(amazon, AmazonReader.Category.GIFT_CARDS, log);
        AmazonReader.read(amazon, AmazonReader.Category.MAGAZINE_SUBSCRIPTIONS, log);
      }
      case AMAZON_GIFT_CARDS -> {
        log = new LogBuilder(true);
        AmazonReader.read(amazon, AmazonReader.Category.GIFT_CARDS, log);
      }
      case AMAZON_MAGAZINE -> {
        log = new LogBuilder(true);
        AmazonReader.read(amazon, AmazonReader.Category.MAGAZINE_SUBSCRIPTIONS, log);
      }
      case MOVIELENS_100K -> {
        log = new LogBuilder(true);
        MovieLensReader.read(dataRoot.resolve(MOVIELENS_100K), log);
      }
      case DIGINETICA_SAMPLE -> {
        log = new LogBuilder(false);
        DigineticaReader.read(dataRoot.resolve(DIGINETICA_SAMPLE), log);
      }
      case SessionPickles.DIGINETICA, SessionPickles.TMALL -> {
        // Sessions as users, train sessions before test sessions; leave-one-out per session.
        log = new LogBuilder(false);
        SessionPickles.read(dataRoot.resolve(name), name).addTo(log);
      }
      default ->
          throw new IllegalArgumentException(
              "unknown dataset '" + name + "'; known: " + String.join(", ", knownNames()));
    }
    return log.build(name);
  }
}
