package io.carousel.offline.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.engine.Item;
import io.carousel.offline.data.Dataset;
import io.carousel.offline.data.Interaction;
import io.carousel.offline.data.RealData;
import io.carousel.offline.data.TimeSplit;
import io.carousel.policy.EventType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The living demo's harness logic without servers (issue 16 §4): which events both arms get, when
 * the living arm retrains, which items are added through PUT and when, and the numbers (rolling HR,
 * intervals, paired difference).
 */
class LivingPlanTest {

  @Test
  void planOnMovieLensSchedulesRetrainsAndPutsEachNewItemBeforeItsFirstEvent() {
    Dataset ml = RealData.dataset("movielens-100k", "movielens-100k");
    LivingPlan plan = LivingPlan.of(ml, 0.8, 1000, 300);

    // The same cut as the plain demo: the earlier part trains, the first 1,000 later events replay.
    TimeSplit split = TimeSplit.byTime(ml.interactions(), 0.8);
    assertEquals(split.train(), plan.base());
    assertEquals(split.replay().subList(0, 1000), plan.replay());
    assertEquals(79_999, plan.base().size());
    assertEquals(20_001, split.replay().size());

    // Segments of 300; a retrain after each but the last (nothing would be judged after it).
    List<int[]> bounds = new ArrayList<>();
    List<Boolean> retrain = new ArrayList<>();
    for (LivingPlan.Segment s : plan.segments()) {
      bounds.add(new int[] {s.from(), s.to()});
      retrain.add(s.retrainAfter());
    }
    assertArrayEquals(new int[] {0, 300}, bounds.get(0));
    assertArrayEquals(new int[] {300, 600}, bounds.get(1));
    assertArrayEquals(new int[] {600, 900}, bounds.get(2));
    assertArrayEquals(new int[] {900, 1000}, bounds.get(3));
    assertEquals(List.of(true, true, true, false), retrain);
    assertEquals(3, plan.retrains());

    // The starting catalogue: exactly the items of the earlier part.
    Set<String> earlier = new HashSet<>();
    plan.base().forEach(i -> earlier.add(i.itemId()));
    Set<String> baseIds = new HashSet<>();
    plan.baseItems().forEach(i -> baseIds.add(i.itemId()));
    assertEquals(earlier, baseIds);
    assertEquals(1_616, baseIds.size());

    // Live items: first seen in the replay; each put once, in the segment of its first event,
    // with the dataset's text (title + genres), before any event of that segment is sent.
    Map<String, Integer> first = new HashMap<>();
    for (int i = 0; i < plan.replay().size(); i++) {
      String id = plan.replay().get(i).itemId();
      if (!earlier.contains(id)) {
        first.putIfAbsent(id, i);
      }
    }
    assertEquals(first.keySet(), plan.liveItems().keySet());
    assertEquals(9, first.size());
    Set<String> put = new HashSet<>();
    for (LivingPlan.Segment s : plan.segments()) {
      for (Item item : s.putFirst()) {
        assertTrue(put.add(item.itemId()), item.itemId() + " put twice");
        int at = first.get(item.itemId());
        assertTrue(at >= s.from() && at < s.to(), item.itemId() + " first at " + at);
        assertFalse(item.text().isBlank(), item.toString());
      }
    }
    assertEquals(first.keySet(), put);
    boolean[] live = plan.liveItemEvents();
    int liveEvents = 0;
    for (int i = 0; i < live.length; i++) {
      assertEquals(first.containsKey(plan.replay().get(i).itemId()), live[i]);
      liveEvents += live[i] ? 1 : 0;
    }
    assertEquals(11, liveEvents);

    assertThrows(IllegalArgumentException.class, () -> LivingPlan.of(ml, 0.8, 1000, 0));
    assertThrows(IllegalArgumentException.class, () -> LivingPlan.of(ml, 1.0, 1000, 10));
  }

  @Test
  void rollingHitRateIsTheMeanOfEachFullWindow() {
    boolean[] hits = {true, false, true, true, false, false, true, false};
    double[][] r = LivingStats.rolling(hits, 4, 2);
    assertArrayEquals(new double[] {4, 6, 8}, r[0]);
    assertArrayEquals(new double[] {0.75, 0.5, 0.25}, r[1], 1e-12);
    double[][] every = LivingStats.rolling(hits, 3, 1);
    assertEquals(6, every[0].length);
    assertEquals(2.0 / 3, every[1][0], 1e-12);
    assertEquals(0, LivingStats.rolling(hits, 9, 1)[0].length);
  }

  @Test
  void intervalsAreClusteredByUserAndPairedAcrossArms() {
    List<Interaction> events = new ArrayList<>();
    boolean[] a = new boolean[400];
    boolean[] b = new boolean[400];
    for (int i = 0; i < 400; i++) {
      events.add(new Interaction("u" + (i % 40), "i" + i, EventType.CLICK, i));
      // Users 0-19 hit half their events in arm a; arm b hits a fixed subset of a's hits.
      a[i] = (i % 40) < 20 && i % 2 == 0;
      b[i] = a[i] && i % 4 == 0;
    }
    LivingStats.Rate ra = LivingStats.rate(events, a, null, 1);
    assertEquals(0.25, ra.value(), 1e-12);
    assertEquals(400, ra.events());
    assertEquals(40, ra.users());
    assertTrue(ra.lo() < 0.25 && ra.hi() > 0.25, ra.toString());
    assertTrue(ra.lo() > 0.1 && ra.hi() < 0.4, ra.toString());

    LivingStats.Rate same = LivingStats.difference(events, a, a, null, 1);
    assertEquals(0, same.value(), 0);
    assertEquals(0, same.lo(), 0);
    assertEquals(0, same.hi(), 0);

    LivingStats.Rate diff = LivingStats.difference(events, a, b, null, 1);
    assertEquals(0.25 - 0.125, diff.value(), 1e-12);
    assertTrue(diff.lo() > 0 && diff.hi() > diff.value(), diff.toString());

    boolean[] firstHalf = new boolean[400];
    for (int i = 0; i < 200; i++) {
      firstHalf[i] = true;
    }
    LivingStats.Rate part = LivingStats.rate(events, a, firstHalf, 1);
    assertEquals(200, part.events());
    assertEquals(0.25, part.value(), 1e-12);
    LivingStats.Rate none = LivingStats.rate(events, a, new boolean[400], 1);
    assertEquals(0, none.events());
    assertTrue(Double.isNaN(none.value()));
  }
}
