package io.carousel.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.carousel.engine.privacy.DpBudget;
import io.carousel.engine.privacy.DpSettings;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The DP options of {@code serve}, {@code demo} and {@code evaluate}: they override {@code
 * carousel.privacy.dp} (docs/security.md, "Differential privacy (item 6)"). {@code evaluate} takes
 * a list of ε and reports one {@code carousel} row per value; {@code serve} and {@code demo} take
 * one.
 */
public final class PrivacyOptions {
  @Option(
      names = "--dp-epsilon",
      split = ",",
      paramLabel = "E",
      description =
          "Differential privacy: ε per release of the statistics learnt from every shopper (a"
              + " number > 0, or inf = off, the default). evaluate takes a list, e.g. inf,8,1.")
  List<String> epsilons = new ArrayList<>();

  @Option(
      names = "--dp-delta",
      paramLabel = "D",
      description = "δ of the training release (default: carousel.privacy.dp.delta, 1e-6).")
  Double delta;

  @Option(
      names = "--dp-seed",
      paramLabel = "S",
      description = "Noise seed, for repeatable experiments only (default: SecureRandom).")
  Long seed;

  /**
   * Returns {@code config} with these options over {@code carousel.privacy.dp}; throws
   * IllegalArgumentException naming the option on a bad value or more than one ε.
   */
  public Config apply(Config config) {
    if (epsilons.size() > 1) {
      throw new IllegalArgumentException(
          "--dp-epsilon takes one value here (a list only with evaluate), got " + epsilons);
    }
    Config c = config;
    if (!epsilons.isEmpty()) {
      check(epsilons.get(0));
      c =
          c.withValue(
              "carousel.privacy.dp.epsilon", ConfigValueFactory.fromAnyRef(epsilons.get(0)));
    }
    c = deltaAndSeed(c);
    settings(c);
    return c;
  }

  /**
   * Returns one DP mode per {@code --dp-epsilon} value over the reference settings, or the
   * reference mode (off unless configured) when none is given.
   */
  public List<DpSettings> all() {
    DpSettings base = settings(deltaAndSeed(ConfigFactory.load()));
    if (epsilons.isEmpty()) {
      return List.of(base);
    }
    List<DpSettings> out = new ArrayList<>();
    for (String e : epsilons) {
      out.add(base.withBudget(new DpBudget(check(e), base.budget().delta())));
    }
    return out;
  }

  private Config deltaAndSeed(Config c) {
    if (delta != null) {
      c = c.withValue("carousel.privacy.dp.delta", ConfigValueFactory.fromAnyRef(delta));
    }
    if (seed != null) {
      c = c.withValue("carousel.privacy.dp.seed", ConfigValueFactory.fromAnyRef(seed.toString()));
    }
    return c;
  }

  private static DpSettings settings(Config c) {
    try {
      return DpSettings.fromConfig(c);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--dp-delta: " + e.getMessage(), e);
    }
  }

  private static double check(String e) {
    try {
      return DpBudget.parseEpsilon(e);
    } catch (IllegalArgumentException ex) {
      throw new IllegalArgumentException("--dp-epsilon: " + ex.getMessage(), ex);
    }
  }
}
