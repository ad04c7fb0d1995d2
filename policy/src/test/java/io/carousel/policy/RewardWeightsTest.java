package io.carousel.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RewardWeightsTest {

  @Test
  void defaultsRewardViewsAtOneFifth() {
    RewardWeights w = RewardWeights.defaults();
    assertEquals(0.2, w.of(EventType.VIEW));
    assertEquals(1.0, w.of(EventType.CLICK));
    assertEquals(1.0, w.of(EventType.ADD_TO_CART));
    assertEquals(1.0, w.of(EventType.PURCHASE));
  }

  @Test
  void mapsEachEventTypeToItsOwnWeight() {
    RewardWeights w = new RewardWeights(0.1, 0.4, 0.7, 0.9);
    assertEquals(0.1, w.of(EventType.VIEW));
    assertEquals(0.4, w.of(EventType.CLICK));
    assertEquals(0.7, w.of(EventType.ADD_TO_CART));
    assertEquals(0.9, w.of(EventType.PURCHASE));
  }

  @Test
  void rejectsWeightsOutsideUnitIntervalOrNaN() {
    assertThrows(IllegalArgumentException.class, () -> new RewardWeights(1.5, 1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new RewardWeights(0.2, -0.1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new RewardWeights(0.2, 1, Double.NaN, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> new RewardWeights(0.2, 1, 1, Double.POSITIVE_INFINITY));
  }
}
