package io.carousel.engine.privacy;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * The differential-privacy mode ({@code carousel.privacy.dp}, docs/security.md "Differential
 * privacy (item 6)"): the budget of <em>each release</em> of a statistic learnt from every shopper,
 * and how much one shopper may contribute to it.
 *
 * @param budget (ε, δ) per release; {@link DpBudget#OFF} = DP off, every output as without this
 *     mode
 * @param maxItemsPerUser C: distinct items of a user counted in the training statistics (the most
 *     recent C), each once
 * @param maxTransitionsPerUser P: distinct consecutive pairs (i → j) of a user counted, each once
 * @param trendWindow length of one live trend release window (wall time, so its boundaries are
 *     public)
 * @param trendItemsPerWindow distinct items of a user counted in one trend window, each once
 * @param seed noise seed for repeatable experiments; empty = a {@link java.security.SecureRandom}
 *     (production: a known seed lets anyone subtract the noise)
 */
public record DpSettings(
    DpBudget budget,
    int maxItemsPerUser,
    int maxTransitionsPerUser,
    Duration trendWindow,
    int trendItemsPerWindow,
    OptionalLong seed) {

  /** DP off. */
  public static final DpSettings OFF =
      new DpSettings(DpBudget.OFF, 5, 5, Duration.ofSeconds(1), 2, OptionalLong.empty());

  /** Validates; throws IllegalArgumentException naming the bad setting. */
  public DpSettings {
    if (maxItemsPerUser < 1 || maxTransitionsPerUser < 0 || trendItemsPerWindow < 1) {
      throw new IllegalArgumentException(
          "carousel.privacy.dp: max-items-per-user and trend-items-per-user-window must be >= 1,"
              + " max-transitions-per-user >= 0");
    }
    if (trendWindow.isNegative() || trendWindow.isZero()) {
      throw new IllegalArgumentException("carousel.privacy.dp.trend-window must be > 0");
    }
  }

  /** Returns whether DP is on (ε finite). */
  public boolean enabled() {
    return !budget.off();
  }

  /** Returns these settings with another budget. */
  public DpSettings withBudget(DpBudget b) {
    return new DpSettings(
        b, maxItemsPerUser, maxTransitionsPerUser, trendWindow, trendItemsPerWindow, seed);
  }

  /**
   * Returns the noise source of one statistic: seeded from {@link #seed} and {@code stream} when a
   * seed is set (each statistic its own stream), else a SecureRandom.
   */
  public Noise noise(String stream) {
    return seed.isPresent()
        ? Noise.seeded(seed.getAsLong() * 31 + stream.hashCode())
        : Noise.secure();
  }

  /**
   * Reads {@code carousel.privacy.dp}; a config without that block means DP off. Throws
   * IllegalArgumentException naming the setting on a bad value.
   */
  public static DpSettings fromConfig(Config config) {
    if (!config.hasPath("carousel.privacy.dp")) {
      return OFF;
    }
    Config c = config.getConfig("carousel.privacy.dp");
    double epsilon;
    try {
      epsilon = DpBudget.parseEpsilon(c.getString("epsilon"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("carousel.privacy.dp.epsilon: " + e.getMessage(), e);
    }
    DpBudget budget;
    try {
      budget = new DpBudget(epsilon, c.getDouble("delta"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("carousel.privacy.dp.delta: " + e.getMessage(), e);
    }
    String seed = c.getString("seed").trim();
    return new DpSettings(
        budget,
        c.getInt("max-items-per-user"),
        c.getInt("max-transitions-per-user"),
        c.getDuration("trend-window"),
        c.getInt("trend-items-per-user-window"),
        seed.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(seed)));
  }

  @Override
  public String toString() {
    if (!enabled()) {
      return "DP off (ε = ∞)";
    }
    return String.format(
        java.util.Locale.ROOT,
        "DP on: %s per release; C = %d items, P = %d transitions per user; trend window %s, %d"
            + " items per user and window%s",
        budget,
        maxItemsPerUser,
        maxTransitionsPerUser,
        trendWindow,
        trendItemsPerWindow,
        seed.isPresent() ? "; noise seed " + seed.getAsLong() + " (experiments only)" : "");
  }
}
