package io.carousel.offline.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.offline.train.SessionTowerType;
import io.carousel.offline.train.TwoTowerConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The up-front heap check of evaluate: one line naming the option, before any model runs. */
class MemoryEstimateTest {
  private static final long GIB = 1L << 30;
  private static final TwoTowerConfig CONFIG =
      new TwoTowerConfig(64, 50, 30, 128, 0.005, 42L, true, SessionTowerType.ATTENTION, 0);

  private static Evaluation.Options options(int easeMaxItems, int wideNeighbours) {
    return new Evaluation.Options(
        List.of(CONFIG),
        List.of(100.0),
        easeMaxItems,
        3,
        0,
        false,
        42L,
        Evaluation.Options.DEFAULT_WIDE_GRID,
        Evaluation.Options.DEFAULT_WIDE_GRID,
        wideNeighbours);
  }

  @Test
  void anEaseCapTooLargeForTheHeapFailsWithOneLineNamingEaseMaxItems() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                MemoryEstimate.check(
                    85_000, 66_000, 2_000_000, options(50_000, 200), 300L << 20, 4 * GIB));
    String line = e.getMessage();
    assertTrue(line.contains("lower --ease-max-items"), line);
    assertTrue(line.contains("12·N² bytes at N = 50000"), line);
    assertTrue(line.contains("85000 items and 66000 users"), line);
    assertFalse(line.contains("\n"), "one line: " + line);
  }

  @Test
  void theDefaultsFitAn85kItem66kUserLogInTheLaunchersFourGibHeap() {
    String summary =
        MemoryEstimate.check(85_000, 66_000, 2_000_000, options(3000, 200), 600L << 20, 4 * GIB);
    assertTrue(summary.startsWith("memory estimate: peak "), summary);
    assertTrue(summary.contains("of a 4.0 GiB heap"), summary);
  }

  @Test
  void tooManyNeighboursNameWideNeighbours() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                MemoryEstimate.check(
                    85_000, 66_000, 2_000_000, options(3000, 20_000), 300L << 20, 4 * GIB));
    assertTrue(e.getMessage().contains("for item-knn"), e.getMessage());
    assertTrue(e.getMessage().contains("lower --wide-neighbours"), e.getMessage());
  }

  @Test
  void aCatalogueWhoseScoreBatchAloneOverflowsAsksForMoreHeap() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> MemoryEstimate.check(2_000_000_000, 10, 10, options(1, 1), 100L << 20, 4 * GIB));
    assertTrue(e.getMessage().endsWith("raise the heap (JAVA_OPTS=-Xmx…)"), e.getMessage());
    assertEquals(-1, e.getMessage().indexOf("--ease"), e.getMessage());
  }
}
