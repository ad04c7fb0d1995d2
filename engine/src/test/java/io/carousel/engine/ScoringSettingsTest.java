package io.carousel.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScoringSettingsTest {
  @Test
  void readsTheDefaultsFromReferenceConf() {
    ScoringSettings s = ScoringSettings.fromConfig(ConfigFactory.load());
    assertEquals(new ScoringSettings(32, Duration.ofMillis(2), 2, Duration.ofMillis(50)), s);
    assertEquals(
        2,
        ConfigFactory.load()
            .getInt(ScoringSettings.DISPATCHER + ".thread-pool-executor.fixed-pool-size"));
  }

  @Test
  void readsOverrides() {
    ScoringSettings s =
        ScoringSettings.fromConfig(
            ConfigFactory.parseString(
                    "carousel.scoring { max-batch-size = 8, flush-delay = 500us, pool-size = 4,"
                        + " max-queue-delay = 0 }")
                .withFallback(ConfigFactory.load()));
    assertEquals(new ScoringSettings(8, Duration.ofNanos(500_000), 4), s);
  }

  @Test
  void rejectsANonPositiveBatchSize() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ScoringSettings.fromConfig(
                ConfigFactory.parseString("carousel.scoring.max-batch-size = 0")
                    .withFallback(ConfigFactory.load())));
  }
}
