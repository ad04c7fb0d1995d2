package io.carousel.user;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.carousel.engine.Catalog;
import io.carousel.engine.Item;
import io.carousel.policy.ContextFeatures;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * The hot swap's reference count (ADR 0014): a snapshot is retired exactly once, only when the
 * handle dropped it and no request holds it, and never while one does — with requests acquiring and
 * releasing on several threads while another thread swaps as fast as it can.
 */
class ModelHandleTest {
  private static ServingModel snapshot(String version) {
    ModelView v = TestModel.view();
    return new ServingModel(
        new ModelView(version, v.catalog(), v.itemRows(), v.popularity(), v.features()),
        null,
        null,
        null,
        List.of(),
        null);
  }

  @Test
  void aSnapshotRetiresOnceAndNeverWhileARequestHoldsIt() throws Exception {
    int swaps = 2_000;
    AtomicIntegerArray retired = new AtomicIntegerArray(swaps + 1);
    ModelHandle handle = new ModelHandle(snapshot("v0"), () -> retired.incrementAndGet(0));
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger usedRetired = new AtomicInteger();
    AtomicInteger leases = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    CountDownLatch started = new CountDownLatch(4);
    for (int t = 0; t < 4; t++) {
      Thread th =
          new Thread(
              () -> {
                started.countDown();
                while (running.get()) {
                  ModelHandle.Lease lease = handle.acquire();
                  int v = Integer.parseInt(lease.serving().version().substring(1));
                  // What a scoring request does meanwhile: its snapshot must stay open.
                  for (int spin = 0; spin < 50; spin++) {
                    if (retired.get(v) != 0) {
                      usedRetired.incrementAndGet();
                    }
                    Thread.onSpinWait();
                  }
                  lease.release();
                  lease.release(); // idempotent: a second release must not retire early
                  leases.incrementAndGet();
                }
              });
      th.start();
      threads.add(th);
    }
    started.await();
    for (int k = 1; k <= swaps; k++) {
      int version = k;
      handle.swap(snapshot("v" + k), () -> retired.incrementAndGet(version));
    }
    running.set(false);
    for (Thread th : threads) {
      th.join(10_000);
    }
    assertEquals(0, usedRetired.get(), "a request used a retired snapshot");
    for (int k = 0; k < swaps; k++) {
      assertEquals(1, retired.get(k), "v" + k + " retired exactly once");
    }
    assertEquals(0, retired.get(swaps), "the current snapshot is not retired");
    assertEquals(0, handle.inFlight());
    assertEquals("v" + swaps, handle.current().version());
    assertTrue(leases.get() > 0, "requests ran during the swaps");
    System.out.printf(
        "MODEL-HANDLE %d swaps under %d leases, 0 used retired%n", swaps, leases.get());
  }

  @Test
  void aHeldSnapshotRetiresWithItsLastRelease() {
    ConcurrentHashMap<String, Boolean> closed = new ConcurrentHashMap<>();
    ModelHandle handle = new ModelHandle(snapshot("v1"), () -> closed.put("v1", true));
    ModelHandle.Lease a = handle.acquire();
    ModelHandle.Lease b = handle.acquire();
    handle.swap(snapshot("v2"), () -> closed.put("v2", true));
    assertEquals("v2", handle.acquire().serving().version(), "new requests get the new model");
    a.release();
    assertFalse(closed.containsKey("v1"), "one request still holds v1");
    b.release();
    assertTrue(closed.get("v1"), "retired with the last release");
    assertFalse(closed.containsKey("v2"));
  }

  @Test
  void aChallengerServesItsShareOfUsersStablyAndRetiresWhenDropped() {
    ModelHandle handle = new ModelHandle(snapshot("v1"), null);
    boolean[] retired = {false};
    handle.challenge(snapshot("v2"), 0.2, () -> retired[0] = true);
    int challenged = 0;
    for (int u = 0; u < 10_000; u++) {
      String user = "user-" + u;
      ModelHandle.Lease lease = handle.acquire(user);
      String v = lease.serving().version();
      lease.release();
      assertEquals(ModelHandle.inShare(user, 0.2) ? "v2" : "v1", v);
      assertEquals(v, handle.currentFor(user).version(), "the same model for the same user");
      challenged += v.equals("v2") ? 1 : 0;
    }
    // 20 % of 10,000 users, within 4 standard deviations (sqrt(10000 * 0.2 * 0.8) = 40).
    assertTrue(Math.abs(challenged - 2_000) < 160, "challenged users: " + challenged);
    ModelHandle.Lease held = handle.acquire(firstIn(true));
    assertEquals("v2", held.serving().version());
    assertEquals("v2", handle.dropChallenger().version());
    assertFalse(retired[0], "a request still holds the challenger");
    assertEquals("v1", handle.acquire(firstIn(true)).serving().version(), "dropped: champion");
    held.release();
    assertTrue(retired[0], "retired with its last request");
    assertEquals("v1", handle.current().version());
  }

  private static String firstIn(boolean challenged) {
    for (int u = 0; ; u++) {
      if (ModelHandle.inShare("user-" + u, 0.2) == challenged) {
        return "user-" + u;
      }
    }
  }

  @Test
  void theSessionVectorIsRebuiltFromRecentIdsInTheNewSpace() {
    UserProfileSettings settings = UserProfileSettings.fromConfig(ConfigFactory.load());
    ModelView v1 = TestModel.view();
    // v2: the same items in another order, with other vectors (another training run).
    List<Item> items = new ArrayList<>(v1.catalog().items());
    java.util.Collections.reverse(items);
    float[][] vectors = new float[items.size()][TestModel.DIM];
    for (int i = 0; i < items.size(); i++) {
      vectors[i][i % TestModel.DIM] = 1f;
    }
    ModelView v2 =
        new ModelView(
            "v2",
            new Catalog(items),
            vectors,
            new float[items.size()],
            new ContextFeatures(TestModel.DIM, 7));
    UserState s = UserState.empty(BanditModel.fixed(16, 1.0));
    s =
        s.onInteraction(
            new UserProfile.InteractionRecorded(
                "e1", "item-3", io.carousel.policy.EventType.CLICK, 1_000L, null, 1_000L),
            v1,
            settings);
    float[] old = s.session();
    UserState rebuilt = s.withSessionRebuilt(v2, settings);
    // item-3 is at index 26 of v2: its one-hot vector, normalised, is the whole session.
    float[] expected = new float[TestModel.DIM];
    expected[26 % TestModel.DIM] = 1f;
    assertArrayEquals(expected, rebuilt.session(), 1e-6f);
    assertNotEquals(old[0], rebuilt.session()[0]);
    assertEquals(s.recentItems(), rebuilt.recentItems());
  }
}
