package io.carousel.offline.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class WideGridDistinctTest {
  @Test
  void duplicateGridPointsAreScoredOnceInTheirFirstOrder() {
    assertEquals(List.of(1f, 0f), WideGrid.distinct(List.of(1f, 1f, 0f)));
    assertEquals(List.of(0f, 2f), WideGrid.distinct(List.of(0f, -0f, 2f, 0f, 2f)));
  }
}
