package io.carousel.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrendPopularityTest {

  @Test
  void countsHalveEveryHalfLife() {
    TrendPopularity t = new TrendPopularity(3, 4);
    t.observe(0);
    assertEquals(1.0, t.count(0), 1e-12);
    for (int i = 0; i < 4; i++) {
      t.observe(1);
    }
    assertEquals(0.5, t.count(0), 1e-12);
    // Item 1: ages 3, 2, 1, 0 → 2^(−3/4) + 2^(−1/2) + 2^(−1/4) + 1.
    double expected = Math.pow(2, -0.75) + Math.pow(2, -0.5) + Math.pow(2, -0.25) + 1;
    assertEquals(expected, t.count(1), 1e-12);
    assertEquals(0.0, t.count(2), 0.0);
    assertEquals(5, t.interactions());
  }

  @Test
  void valueIsLogScaledToTheCurrentMaximum() {
    TrendPopularity t = new TrendPopularity(3, 1e9);
    assertEquals(0f, t.value(0));
    t.observe(0);
    t.observe(1);
    t.observe(1);
    t.observe(1);
    assertEquals(1f, t.value(1), 1e-6f);
    assertEquals((float) (Math.log(2) / Math.log(4)), t.value(0), 1e-6f);
    assertEquals(0f, t.values()[2]);
  }

  @Test
  void staysFiniteAndExactPastTheRescalePoint() {
    // 2^(3000/2) overflows a double without the landmark rescaling.
    TrendPopularity t = new TrendPopularity(2, 2);
    for (int i = 0; i < 3000; i++) {
      t.observe(0);
    }
    t.observe(1);
    t.observe(0);
    t.observe(0);
    assertEquals(0.5, t.count(1), 1e-9);
    // Geometric series of the ages 0, 1, 3, 4, …: 1 + 2^(−1/2) + 2^(−3/2)/(1 − 2^(−1/2)).
    double r = Math.pow(2, -0.5);
    assertEquals(1 + r + r * r * r / (1 - r), t.count(0), 1e-9);
    assertTrue(t.value(1) > 0f && t.value(1) < 1f);
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> new TrendPopularity(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new TrendPopularity(1, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> new TrendPopularity(2, 1).observe(2));
  }
}
