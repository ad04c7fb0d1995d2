package io.carousel.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.policy.PooledPrior;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The node-wide trend popularities and pool take concurrent updates from many user actors. */
class NodeLearningTest {
  private static final int THREADS = 4;
  private static final int EACH = 2_000;

  private static void onThreads(Runnable body) throws InterruptedException {
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      threads.add(new Thread(body));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
  }

  @Test
  void trendsCountEveryConcurrentInteraction() throws InterruptedException {
    NodeTrends trends = new NodeTrends(10, 200, 10_000);
    onThreads(
        () -> {
          for (int i = 0; i < EACH; i++) {
            trends.observe(i % 2 == 0 ? 3 : 7);
            trends.values(new int[] {3, 7});
          }
        });
    assertEquals(THREADS * EACH, trends.interactions());
    float[][] v = trends.values(new int[] {3, 7, 0});
    assertEquals(2, v[0].length);
    assertTrue(v[0][0] > 0.9f && v[1][0] > 0.9f, "the two items share the traffic");
    assertEquals(0f, v[2][0]);
    trends.observe(-1); // an item outside the catalogue is not counted
    assertEquals(THREADS * EACH, trends.interactions());
  }

  @Test
  void poolAppliesEveryConcurrentImpressionOnce() throws InterruptedException {
    NodePool pool = new NodePool(PooledPrior.create(new double[2], 2, 1.0, 10.0));
    float[][] slate = {{1f, 0f}, {0f, 1f}};
    onThreads(
        () -> {
          for (int i = 0; i < EACH; i++) {
            pool.observe(slate, new double[] {1.0, 0.0});
          }
        });
    assertEquals(THREADS * EACH * 2L, pool.impressions());
    assertEquals(THREADS * EACH * 2L, pool.snapshot().global().updates());
    // n clicks on feature 0 and n misses on feature 1 from a unit prior: mean n/(n+1) and 0.
    double n = THREADS * EACH;
    assertEquals(n / (n + 1), pool.snapshot().global().mean()[0], 1e-9);
    assertEquals(0.0, pool.snapshot().global().mean()[1], 1e-12);
  }
}
