package io.carousel.user;

import com.typesafe.config.Config;
import io.carousel.policy.ContextFeatures;
import io.carousel.policy.RewardWeights;
import java.time.Duration;
import java.util.List;

/**
 * Settings of {@link UserProfile}, read once from {@code carousel.user-profile} (defaults and units
 * in this module's {@code reference.conf}).
 *
 * @param historyLength N, the last item ids kept as input to the session tower
 * @param sessionHalfLife half-life of the time-decayed session embedding (event time)
 * @param idempotency how long and how many event ids are remembered to drop repeats
 * @param candidates how many model-scored candidates the bandit chooses a slate from
 * @param snapshotEvery a snapshot after this many events (two kept)
 * @param askTimeout how long a user waits for the scoring model
 * @param rewards reward per event type for a served item, in [0, 1]
 * @param priorStrength strength of the fixed prior a new user's posterior starts from, or, with the
 *     pooled prior, the pool's prior precision on bias, model score, popularity and trends
 * @param policies one policy, or several for an A/B split by hashed user id ({@code
 *     epsilon-greedy}, {@code linear-ts})
 * @param epsilon exploration rate of {@code epsilon-greedy}
 * @param ucbAlpha width of the confidence bonus of {@code linucb}
 * @param excludeSeen whether items among the last N interactions are left out of slates
 * @param purchaseWindow a purchased item is not recommended again for this long (event time)
 * @param maxPerCategory most items of one category in a slate; 0 = no cap
 * @param trendHalfLives half-lives, in interactions recorded on the node, of the online trend
 *     popularity features ({@code double[0..2]}, shortest first; none = the 16-d standard context,
 *     two = {@code ContextFeatures.Layout.TWO_TRENDS}, 18-d)
 * @param pooledPrior whether users' posteriors are centred on the node's pooled prior ({@link
 *     BanditModel}); false = independent posteriors from the fixed prior
 * @param userStrength λ_u, precision of a user's deviation from the pool, > 0
 * @param projectionStrength the pool's prior precision on the seen flag and the 12 projected item
 *     dims, > 0
 * @param maxSubscribers most WebSocket subscribers of one user; the next one is refused, > 0
 * @param explorationShare most share of impressions given to new (text-only) items through the
 *     exploration slot, in [0, 1] ({@code carousel.live-items.exploration-share}; {@link
 *     NewItemExploration})
 * @param explorationArms most new items one exploration slot chooses among, >= 1
 */
public record UserProfileSettings(
    int historyLength,
    Duration sessionHalfLife,
    EventIdRetention idempotency,
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
    int maxPerCategory,
    double[] trendHalfLives,
    boolean pooledPrior,
    double userStrength,
    double projectionStrength,
    int maxSubscribers,
    double explorationShare,
    int explorationArms) {

  /** Returns the context layout the trend half-lives ask for (16, 17 or 18 features). */
  public ContextFeatures.Layout layout() {
    return switch (trendHalfLives.length) {
      case 0 -> ContextFeatures.Layout.STANDARD;
      case 1 -> ContextFeatures.Layout.TREND;
      default -> ContextFeatures.Layout.TWO_TRENDS;
    };
  }

  /**
   * Reads {@code carousel.user-profile} from {@code config}; throws ConfigException if missing and
   * IllegalArgumentException on no policy, more than two trend half-lives or one that is not > 0.
   */
  public static UserProfileSettings fromConfig(Config config) {
    if (config.getStringList("carousel.user-profile.policies").isEmpty()) {
      throw new IllegalArgumentException("carousel.user-profile.policies must name a policy");
    }
    Config c = config.getConfig("carousel.user-profile");
    double[] halfLives =
        c.getDoubleList("trend-half-lives").stream().mapToDouble(Double::doubleValue).toArray();
    if (halfLives.length > 2 || java.util.Arrays.stream(halfLives).anyMatch(h -> !(h > 0))) {
      throw new IllegalArgumentException(
          "carousel.user-profile.trend-half-lives: at most two half-lives, each > 0");
    }
    java.util.Arrays.sort(halfLives);
    Config r = c.getConfig("rewards");
    return new UserProfileSettings(
        c.getInt("history-length"),
        c.getDuration("session-half-life"),
        EventIdRetention.fromConfig(c.getConfig("idempotency")),
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
        c.getInt("max-per-category"),
        halfLives,
        c.getBoolean("pooled-prior.enabled"),
        c.getDouble("pooled-prior.user-strength"),
        c.getDouble("pooled-prior.projection-strength"),
        positive(c, "max-subscribers"),
        config.getDouble("carousel.live-items.exploration-share"),
        config.getInt("carousel.live-items.exploration-arms"));
  }

  private static int positive(Config c, String key) {
    int v = c.getInt(key);
    if (v <= 0) {
      throw new IllegalArgumentException("carousel.user-profile." + key + " must be > 0, got " + v);
    }
    return v;
  }
}
