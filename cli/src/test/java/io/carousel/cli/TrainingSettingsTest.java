package io.carousel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/** {@code carousel.training.*}: a bad value stops {@code serve} before it starts, naming it. */
class TrainingSettingsTest {
  private static String refused(String setting) {
    return assertThrows(
            IllegalArgumentException.class,
            () ->
                LivingTrainer.checkSettings(
                    ConfigFactory.parseString(setting)
                        .withFallback(ConfigFactory.defaultReference())
                        .resolve()))
        .getMessage();
  }

  @Test
  void badTrainingSettingsAreNamed() {
    LivingTrainer.checkSettings(ConfigFactory.defaultReference());
    LivingTrainer.checkSettings(
        ConfigFactory.parseString("carousel.training.interval = 6h")
            .withFallback(ConfigFactory.defaultReference()));
    assertEquals(
        "carousel.training.interval must be off or a duration such as 6h, got 'weekly'",
        refused("carousel.training.interval = weekly"));
    assertEquals(
        "carousel.training.interval must be off or positive, got 0s",
        refused("carousel.training.interval = 0s"));
    assertEquals(
        "carousel.training.holdout must be in (0, 1), got 1.0",
        refused("carousel.training.holdout = 1.0"));
    assertEquals(
        "carousel.training.tolerance must be >= 0, got -0.1",
        refused("carousel.training.tolerance = -0.1"));
    assertEquals(
        "carousel.training.epochs must be >= 1, got 0", refused("carousel.training.epochs = 0"));
    assertEquals(
        "carousel.training.challenger-min-slates must be >= 1, got 0",
        refused("carousel.training.challenger-min-slates = 0"));
    assertEquals(
        "carousel.training.challenger-min-slates must be a whole number >= 1, got 'many'",
        refused("carousel.training.challenger-min-slates = many"));
    assertEquals(
        "carousel.training.challenger-tolerance must be in [0, 1), got -0.01",
        refused("carousel.training.challenger-tolerance = -0.01"));
    assertEquals(
        "carousel.training.challenger-max-duration must be a duration such as 7d, got 'soon'",
        refused("carousel.training.challenger-max-duration = soon"));
    assertEquals(
        "carousel.training.challenger-max-duration must be positive, got PT0S",
        refused("carousel.training.challenger-max-duration = 0s"));
    assertEquals(
        "carousel.training.threads must be >= 0 (0: TensorFlow's own pools), got -1",
        refused("carousel.training.threads = -1"));
    assertEquals(
        "carousel.training.threads must be a whole number >= 0, got 'many'",
        refused("carousel.training.threads = many"));
    assertEquals(
        "carousel.training.tuning-budget must be 0 (off) or a duration such as 5m, got 'long'",
        refused("carousel.training.tuning-budget = long"));
    assertEquals(
        "carousel.training.tuning-budget must be 0 (off) or positive, got -1m",
        refused("carousel.training.tuning-budget = -1m"));
    LivingTrainer.checkSettings(
        ConfigFactory.parseString("carousel.training.tuning-budget = 5m")
            .withFallback(ConfigFactory.defaultReference()));
    assertEquals(java.time.Duration.ofMinutes(5), TrainCommand.parseBudget("5m"));
    assertEquals(
        "--tuning-budget must be 0 (off) or a duration such as 5m, got 'soon'",
        assertThrows(IllegalArgumentException.class, () -> TrainCommand.parseBudget("soon"))
            .getMessage());
  }
}
