package io.carousel.engine;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Settings of the {@link ScoringModel} actors, from {@code carousel.scoring} (defaults in the
 * engine's {@code reference.conf}).
 *
 * @param maxBatchSize a batch runs as soon as it holds this many requests
 * @param flushDelay a batch runs this long after its first request at the latest (ms scale)
 * @param poolSize number of {@link ScoringModel} actors per node
 * @param maxQueueDelay a request that waited longer than this in a worker's queue is shed (answered
 *     at once with {@link ScoringModel#OVERLOADED}) instead of scored; zero turns shedding off
 */
public record ScoringSettings(
    int maxBatchSize, Duration flushDelay, int poolSize, Duration maxQueueDelay) {
  /** Path of the dispatcher that {@link ScoringModel} actors should be spawned on. */
  public static final String DISPATCHER = "carousel.scoring.dispatcher";

  /**
   * @throws IllegalArgumentException if a size is not positive or the delay is negative
   */
  public ScoringSettings {
    if (maxBatchSize <= 0 || poolSize <= 0) {
      throw new IllegalArgumentException(
          "max-batch-size and pool-size must be positive: " + maxBatchSize + ", " + poolSize);
    }
    if (flushDelay.isNegative() || maxQueueDelay.isNegative()) {
      throw new IllegalArgumentException(
          "flush-delay and max-queue-delay must not be negative: "
              + flushDelay
              + ", "
              + maxQueueDelay);
    }
  }

  /** Settings without shedding (max-queue-delay 0). */
  public ScoringSettings(int maxBatchSize, Duration flushDelay, int poolSize) {
    this(maxBatchSize, flushDelay, poolSize, Duration.ZERO);
  }

  /**
   * Reads {@code carousel.scoring.{max-batch-size, flush-delay, pool-size, max-queue-delay}} from
   * {@code config}.
   *
   * @throws com.typesafe.config.ConfigException if a key is missing or has the wrong type
   * @throws IllegalArgumentException if a value is out of range
   */
  public static ScoringSettings fromConfig(Config config) {
    Config c = config.getConfig("carousel.scoring");
    return new ScoringSettings(
        c.getInt("max-batch-size"),
        c.getDuration("flush-delay"),
        c.getInt("pool-size"),
        c.getDuration("max-queue-delay"));
  }
}
