package io.carousel.user;

import com.typesafe.config.Config;
import io.carousel.policy.RewardWeights;
import java.time.Duration;
import java.util.List;

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
 * @param policies one policy, or several for an A/B split by hashed user id ({@code
 *     epsilon-greedy}, {@code linear-ts})
 * @param epsilon exploration rate of {@code epsilon-greedy}
 * @param ucbAlpha width of the confidence bonus of {@code linucb}
 * @param excludeSeen whether items among the last N interactions are left out of slates
 * @param purchaseWindow a purchased item is not recommended again for this long (event time)
 * @param maxPerCategory most items of one category in a slate; 0 = no cap
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
    List<String> policies,
    double epsilon,
    double ucbAlpha,
    boolean excludeSeen,
    Duration purchaseWindow,
    int maxPerCategory) {

  /** Reads {@code carousel.user-profile} from {@code config}; throws ConfigException if missing. */
  public static UserProfileSettings fromConfig(Config config) {
    if (config.getStringList("carousel.user-profile.policies").isEmpty()) {
      throw new IllegalArgumentException("carousel.user-profile.policies must name a policy");
    }
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
        c.getStringList("policies"),
        c.getDouble("epsilon"),
        c.getDouble("ucb-alpha"),
        c.getBoolean("exclude-seen"),
        c.getDuration("purchase-window"),
        c.getInt("max-per-category"));
  }
}
