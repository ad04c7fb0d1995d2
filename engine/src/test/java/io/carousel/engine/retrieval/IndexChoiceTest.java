package io.carousel.engine.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/** {@code carousel.scoring.retrieval}: the default is exact; a bad value names the setting. */
class IndexChoiceTest {
  private static IndexChoice read(String overrides) {
    Config c = ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load());
    return IndexChoice.fromConfig(c);
  }

  @Test
  void exactByDefaultAndIvfWhenAsked() {
    assertEquals("exact", read("").index());
    assertEquals(
        new IndexChoice("ivf", 300, 12),
        read("carousel.scoring.retrieval { index = ivf, lists = 300, probe = 12 }"));
  }

  @Test
  void badValuesNameTheSetting() {
    assertEquals(
        "carousel.scoring.retrieval.index must be exact or ivf, got \"hnsw\"",
        assertThrows(
                IllegalArgumentException.class,
                () -> read("carousel.scoring.retrieval.index = hnsw"))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> read("carousel.scoring.retrieval.lists = -1"));
    assertEquals(
        "carousel.scoring.retrieval.probe must be >= 1, got 0",
        assertThrows(
                IllegalArgumentException.class, () -> read("carousel.scoring.retrieval.probe = 0"))
            .getMessage());
  }
}
