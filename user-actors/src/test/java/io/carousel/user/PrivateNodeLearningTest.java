package io.carousel.user;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.carousel.engine.privacy.DpBudget;
import io.carousel.engine.privacy.DpSettings;
import io.carousel.policy.PooledPrior;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The DP mode of the node-wide trends and pool (docs/security.md, "Differential privacy"). */
class PrivateNodeLearningTest {
  private static DpSettings on(Duration window) {
    return new DpSettings(new DpBudget(8, 1e-6), 5, 5, window, 2, OptionalLong.of(1));
  }

  @Test
  void theReferenceConfigurationHasDpOff() {
    DpSettings dp = DpSettings.fromConfig(ConfigFactory.load());
    assertTrue(!dp.enabled());
    assertTrue(Double.isInfinite(dp.budget().epsilon()));
    assertEquals(5, dp.maxItemsPerUser());
  }

  @Test
  void withDpOffTrendsAreExactlyWhatTheyWere() {
    NodeTrends before = new NodeTrends(10, 200, 10_000);
    NodeTrends off = new NodeTrends(10, DpSettings.OFF, 200, 10_000);
    assertNull(off.privateWindows());
    int[] all = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    for (int t = 0; t < 5_000; t++) {
      before.observe((t * 7) % 10);
      off.observe("user-" + (t % 13), (t * 7) % 10);
    }
    float[][] a = before.values(all);
    float[][] b = off.values(all);
    for (int i = 0; i < all.length; i++) {
      assertArrayEquals(a[i], b[i]);
    }
    assertEquals(before.interactions(), off.interactions());
  }

  @Test
  void withDpOnNothingOfAnOpenWindowReachesTheTrends() {
    NodeTrends trends = new NodeTrends(10, on(Duration.ofHours(1)), 200, 10_000);
    for (int t = 0; t < 1_000; t++) {
      trends.observe("alice", 3);
    }
    float[][] v = trends.values(new int[] {3, 4});
    assertEquals(0f, v[0][0]);
    assertEquals(0f, v[0][1]);
    assertEquals(0, trends.interactions());
    assertEquals(0, trends.privateWindows().windows());
  }

  @Test
  void withDpOnAReleasedWindowFeedsTheTrendsAndAHeavyUserCountsOnce() {
    java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
    NodeTrends trends = new NodeTrends(4, on(Duration.ofMillis(20)), now::get, 200);
    for (int t = 0; t < 10_000; t++) {
      trends.observe("heavy", 1);
    }
    now.set(Duration.ofMillis(20).toNanos());
    // The next observation releases the window: item 1 counted once (+ Laplace noise, scale 2/8).
    trends.observe("bob", 2);
    assertEquals(1, trends.privateWindows().windows());
    float[][] v = trends.values(new int[] {1});
    assertTrue(v[0][0] > 0.5f, "item 1 leads the released window: " + v[0][0]);
    // Far below the 10,000 a per-event count would have recorded.
    assertTrue(trends.interactions() < 10, "clock " + trends.interactions());
  }

  @Test
  void aFrozenPoolLearnsNothing() {
    PooledPrior prior = PooledPrior.create(new double[2], 2, 1.0, 10.0);
    NodePool pool = new NodePool(prior);
    pool.freeze();
    pool.observe(new float[][] {{1f, 0f}}, new double[] {1.0});
    assertSame(prior, pool.snapshot());
    assertEquals(0, pool.impressions());
  }
}
