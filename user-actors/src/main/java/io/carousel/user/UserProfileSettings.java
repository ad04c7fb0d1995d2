package io.carousel.user;

import com.typesafe.config.Config;
import io.carousel.policy.RewardWeights;
import java.time.Duration;

/**
 * Settings of {@link UserProfile}, read once from {@code carousel.user-profile} (defaults and units
 * in this module's {@code reference.conf}).
 *
 * @param historyLength N, the last item ids kept as input to the session tower
 * @param sessionHalfLife half-life of the time-decayed session embedding (event time)
 * @param idempotencyWindow how many recent event ids are remembered to drop repeats
 * @param candidates how many model-scored candidates the bandit chooses a slate from
 * @param snapshotEvery a snapshot after this many events (two kept)
 * @param askTimeout how long a user waits for the scoring model
 * @param rewards reward per event type for a served item, in [0, 1]
 * @param priorStrength strength of the shared global prior a new user's posterior starts from
 * @param policy {@code epsilon-greedy} or {@code linear-ts}
 * @param epsilon exploration rate of {@code epsilon-greedy}
 */
public record UserProfileSettings(
    int historyLength,
    Duration sessionHalfLife,
    int idempotencyWindow,
    int candidates,
    int snapshotEvery,
    Duration askTimeout,
    RewardWeights rewards,
    double priorStrength,
    String policy,
    double epsilon) {

  /** Reads {@code carousel.user-profile} from {@code config}; throws ConfigException if missing. */
  public static UserProfileSettings fromConfig(Config config) {
    Config c = config.getConfig("carousel.user-profile");
    Config r = c.getConfig("rewards");
    return new UserProfileSettings(
        c.getInt("history-length"),
        c.getDuration("session-half-life"),
        c.getInt("idempotency-window"),
        c.getInt("candidates"),
        c.getInt("snapshot-every"),
        c.getDuration("ask-timeout"),
        new RewardWeights(
            r.getDouble("view"),
            r.getDouble("click"),
            r.getDouble("add_to_cart"),
            r.getDouble("purchase")),
        c.getDouble("prior-strength"),
        c.getString("policy"),
        c.getDouble("epsilon"));
  }
}
