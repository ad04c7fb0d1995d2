package io.carousel.user;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How long and how many event ids a user remembers to drop repeats ({@link EventIdLog}), read from
 * {@code carousel.user-profile.idempotency}.
 *
 * @param retention an event id is recognised as a repeat for at least this long after it arrived
 *     (arrival time, not event time)
 * @param bucket arrival-time granularity of the log; ids are kept at most retention + bucket
 * @param maxIdsPerUser hard cap per user: beyond it the oldest ids are forgotten first (8 bytes
 *     each)
 */
public record EventIdRetention(Duration retention, Duration bucket, int maxIdsPerUser) {

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException when a value is not positive or the bucket is under a minute
   */
  public EventIdRetention {
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("idempotency.retention must be > 0: " + retention);
    }
    if (bucket.compareTo(Duration.ofMinutes(1)) < 0) {
      throw new IllegalArgumentException("idempotency.bucket must be ≥ 1 minute: " + bucket);
    }
    if (maxIdsPerUser <= 0) {
      throw new IllegalArgumentException(
          "idempotency.max-ids-per-user must be > 0: " + maxIdsPerUser);
    }
  }

  /** Reads {@code retention}, {@code bucket} and {@code max-ids-per-user} from {@code c}. */
  static EventIdRetention fromConfig(Config c) {
    return new EventIdRetention(
        c.getDuration("retention"), c.getDuration("bucket"), c.getInt("max-ids-per-user"));
  }
}
