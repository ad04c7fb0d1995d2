package io.carousel.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.engine.LiveItems;
import io.carousel.engine.ScoringModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * New (text-only) items get impressions through the exploration slot at the configured share, and
 * every logged propensity is the probability of the choice actually made.
 */
class NewItemExplorationTest {
  private static final int NEW_ITEMS = 5;

  private static ProfileDependencies deps(double share) {
    ProfileDependencies deps =
        TestModel.deps(
            null,
            "carousel.live-items.exploration-share = "
                + share
                + "\ncarousel.user-profile.epsilon = 0.1");
    List<LiveItems.Entry> live = new ArrayList<>();
    for (int j = 0; j < NEW_ITEMS; j++) {
      float[] v = new float[TestModel.DIM];
      v[j % TestModel.DIM] = 1f;
      live.add(new LiveItems.Entry("new-" + j, v, "x", j));
    }
    deps.model().live().put(live);
    return deps;
  }

  /** The trained candidates, item i scoring −i, as the scoring actor answers. */
  private static ScoringModel.Scores candidates() {
    int[] items = new int[TestModel.ITEMS];
    float[] scores = new float[TestModel.ITEMS];
    for (int i = 0; i < items.length; i++) {
      items[i] = i;
      scores[i] = -i;
    }
    return new ScoringModel.Scores(items, scores);
  }

  private static UserProfile.SlateServed slate(ProfileDependencies deps, String user, int k) {
    return deps.assemblerFor(user)
        .assemble(
            user,
            deps.emptyState(),
            candidates(),
            k,
            TestModel.CLOCK.millis(),
            "request",
            false,
            null);
  }

  @Test
  void newItemsGetTheConfiguredShareOfImpressionsWithExactPropensities() {
    // k = 5, share 0.1: the last slot explores with q = 0.5, so new items get 1 in 10 impressions.
    ProfileDependencies deps = deps(0.1);
    int slates = 6000;
    int k = 5;
    long impressions = 0;
    long newImpressions = 0;
    Map<String, Integer> chosen = new HashMap<>();
    for (int u = 0; u < slates; u++) {
      UserProfile.SlateServed s = slate(deps, "user-" + u, k);
      assertEquals(k, s.itemIds().size());
      impressions += s.itemIds().size();
      for (int j = 0; j < k; j++) {
        String id = s.itemIds().get(j);
        if (id.startsWith("new-")) {
          newImpressions++;
          assertEquals(k - 1, j, "only the last slot explores");
          // Untried arms are exchangeable: q · 1/n exactly.
          assertEquals(0.5 / NEW_ITEMS, s.propensities()[j], 1e-12);
          assertEquals("exploring a new item", s.reasons().get(j));
          chosen.merge(id, 1, Integer::sum);
        }
      }
    }
    double share = (double) newImpressions / impressions;
    System.out.printf(
        "NEW-ITEM-EXPLORATION k=%d share=0.1: %d of %d impressions (%.4f) on new items, per item"
            + " %s%n",
        k, newImpressions, impressions, share, chosen);
    assertEquals(0.1, share, 0.01);
    for (int j = 0; j < NEW_ITEMS; j++) {
      double freq = chosen.getOrDefault("new-" + j, 0) / (double) slates;
      assertEquals(0.5 / NEW_ITEMS, freq, 0.015, "new-" + j);
    }
  }

  @Test
  void everyLoggedPropensityOfTheExplorationPositionIsTheFrequencyOfThatChoice() {
    // k = 1: the only slot is the exploration position, q = 0.1; the policy's item there is
    // logged with (1 − q) times its own propensity, an explored item with q · P_TS.
    ProfileDependencies deps = deps(0.1);
    // Unequal arms: new-0 earned interactions on this node, the others none.
    for (int j = 0; j < NEW_ITEMS; j++) {
      for (int i = 0; i < 20; i++) {
        deps.exploration().impression("new-" + j);
      }
    }
    for (int i = 0; i < 8; i++) {
      deps.exploration().interaction("new-0");
    }
    int slates = 20_000;
    Map<String, Integer> count = new HashMap<>();
    Map<String, Double> logged = new HashMap<>();
    for (int u = 0; u < slates; u++) {
      UserProfile.SlateServed s = slate(deps, "p-" + u, 1);
      String id = s.itemIds().get(0);
      count.merge(id, 1, Integer::sum);
      logged.merge(id, s.propensities()[0], Double::sum);
    }
    double total = 0;
    for (Map.Entry<String, Integer> e : count.entrySet()) {
      double freq = e.getValue() / (double) slates;
      double meanLogged = logged.get(e.getKey()) / e.getValue();
      System.out.printf(
          "NEW-ITEM-EXPLORATION k=1 %s: shown %.4f, mean logged propensity %.4f%n",
          e.getKey(), freq, meanLogged);
      // Within 4 standard errors of the observed frequency, and the MC error of P_TS.
      double se = Math.sqrt(freq * (1 - freq) / slates);
      assertEquals(freq, meanLogged, 4 * se + 0.005, e.getKey());
      total += meanLogged * freq;
    }
    assertTrue(count.getOrDefault("new-0", 0) > count.getOrDefault("new-1", 0), count.toString());
    assertTrue(total > 0);
  }

  @Test
  void noNewItemsOrShareZeroLeaveTheSlateToThePolicy() {
    ProfileDependencies off = deps(0.0);
    for (int u = 0; u < 200; u++) {
      UserProfile.SlateServed s = slate(off, "o-" + u, 5);
      assertTrue(
          s.itemIds().stream().noneMatch(id -> id.startsWith("new-")), s.itemIds().toString());
    }
    ProfileDependencies none = TestModel.deps(null, "carousel.live-items.exploration-share = 0.5");
    ProfileDependencies same = TestModel.deps(null, "carousel.live-items.exploration-share = 0");
    for (int u = 0; u < 50; u++) {
      // Without new items the slate, propensities included, is what it was without exploration.
      UserProfile.SlateServed a = slate(none, "n-" + u, 5);
      UserProfile.SlateServed b = slate(same, "n-" + u, 5);
      assertEquals(b.itemIds(), a.itemIds());
      assertTrue(java.util.Arrays.equals(b.propensities(), a.propensities()));
    }
  }
}
