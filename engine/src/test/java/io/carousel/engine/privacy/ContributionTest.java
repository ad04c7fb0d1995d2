package io.carousel.engine.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ContributionTest {
  @Test
  void aUserWithTenThousandEventsContributesAtMostCDistinctItemsAndPTransitions() {
    int[] s = new int[10_000];
    for (int t = 0; t < s.length; t++) {
      s[t] = t % 500;
    }
    int[] items = Contribution.recentDistinct(s, 20);
    assertEquals(20, items.length);
    // The most recent 20 distinct: 9999 % 500 = 499 back to 480.
    assertEquals(480, items[0]);
    assertEquals(499, items[19]);
    long[] pairs = Contribution.recentTransitions(s, 20, 500);
    assertEquals(20, pairs.length);
    assertEquals(479L * 500 + 480, pairs[0]);
  }

  @Test
  void repeatsCountOnce() {
    int[] s = {3, 3, 3, 5, 3, 5, 3};
    assertArrayEquals(new int[] {3, 5}, Contribution.recentDistinct(s, 20));
    // 3→3, 3→5, 5→3: each once however often.
    assertArrayEquals(
        new long[] {3 * 10 + 3, 3 * 10 + 5, 5 * 10 + 3}, Contribution.recentTransitions(s, 20, 10));
    assertEquals(0, Contribution.recentTransitions(new int[] {1}, 20, 10).length);
  }
}
