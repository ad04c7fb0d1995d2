package io.carousel.offline.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.engine.Catalog;
import io.carousel.engine.Item;
import io.carousel.offline.data.Dataset;
import io.carousel.offline.data.Interaction;
import io.carousel.offline.eval.LeaveOneOut.Stage;
import io.carousel.policy.EventType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, section 1: a catalogue built from the whole log pointed every model at the held-out
 * targets (an item whose only events are held out has no fit events, and every such item is a
 * target). A recommender that only knows "this item has zero fit events" must not beat popularity.
 */
class HeldOutLeakTest {
  /**
   * Ranks items with zero fit events first, then by popularity: it knows nothing about the user,
   * only which items the fit data lacks.
   */
  static final class LeakOnly implements Recommender {
    private float[] scores = new float[0];

    @Override
    public String name() {
      return "leak-only";
    }

    @Override
    public void fit(List<int[]> sequences, int numItems) {
      scores = Popularity.counts(sequences, numItems);
      for (int i = 0; i < numItems; i++) {
        scores[i] = scores[i] == 0 ? 1e6f : scores[i];
      }
    }

    @Override
    public float[][] score(int[] users, int[][] histories) {
      float[][] out = new float[users.length][];
      for (int b = 0; b < users.length; b++) {
        out[b] = scores.clone();
      }
      return out;
    }
  }

  /**
   * A log on which the leak pays: 40 users browse popular items ("p0".."p11", each user 3 of them);
   * users 0..9 then end on an item of their own that nobody else touches ("x<u>", the test target),
   * so the only zero-fit items are exactly their targets; users 10..39 visit a rare item "r<k+1>"
   * first and end on the rare item "r<k>" (k = u - 10), which popularity ranks below the popular
   * ones.
   */
  static Dataset leakyLog() {
    List<Interaction> log = new ArrayList<>();
    List<Item> items = new ArrayList<>();
    for (int p = 0; p < 12; p++) {
      items.add(new Item("p" + p, "popular item " + p, "c"));
    }
    for (int k = 0; k < 30; k++) {
      items.add(new Item("r" + k, "rare item " + k, "c"));
    }
    long t = 0;
    for (int u = 0; u < 40; u++) {
      String user = "u" + u;
      if (u >= 10) {
        log.add(new Interaction(user, "r" + ((u - 10 + 1) % 30), EventType.CLICK, t++));
      }
      for (int k = 0; k < 3; k++) {
        log.add(new Interaction(user, "p" + ((u + k) % 12), EventType.CLICK, t++));
      }
      if (u < 10) {
        items.add(new Item("x" + u, "own item " + u, "c"));
        log.add(new Interaction(user, "x" + u, EventType.CLICK, t++));
      } else {
        log.add(new Interaction(user, "r" + (u - 10), EventType.CLICK, t++));
      }
    }
    log.sort(Comparator.comparingLong(Interaction::timestampMs));
    return new Dataset("leaky", new Catalog(items), log);
  }

  @Test
  void aRecommenderThatKnowsZeroFitItemsDoesNotBeatPopularity() {
    LeaveOneOut split = LeaveOneOut.of(leakyLog(), 0, 42L);
    List<int[]> fit = split.fitSequences(Stage.TEST);
    Recommender leak = new LeakOnly();
    leak.fit(fit, split.numItems());
    Recommender popularity = new Popularity();
    popularity.fit(fit, split.numItems());
    Metrics leaked = Evaluator.evaluate(leak, split, Stage.TEST);
    Metrics popular = Evaluator.evaluate(popularity, split, Stage.TEST);
    // Before the fix the leak put the 10 own items first and hit all 10 of those users.
    assertTrue(
        leaked.hrAt10() <= popular.hrAt10(),
        "leak-only HR@10 " + leaked.hrAt10() + " > popularity " + popular.hrAt10());
    assertTrue(leaked.ndcgAt10() <= popular.ndcgAt10());
    assertEquals(popular.hrAt10(), leaked.hrAt10(), 1e-12, "without the leak it is popularity");
    assertEquals(10, split.unknownTargets(Stage.TEST), "the 10 own-item targets are reported");
    assertEquals(0, split.unknownTargets(Stage.VALIDATION));
    assertEquals(42, split.numCandidates(Stage.TEST), "12 popular + 30 rare, no own item");
  }

  @Test
  void anItemFirstSeenAsAValidationTargetIsACandidateOnlyForTheTestStage() {
    // User 0: a b c d; d's only other event is nobody's; c occurs only as user 0's validation
    // target.
    List<int[]> seqs = List.of(new int[] {0, 1, 2, 3}, new int[] {0, 1, 4});
    LeaveOneOut split = LeaveOneOut.ofSequences(5, seqs);
    assertFalse(split.isCandidate(2, Stage.VALIDATION), "held out on validation");
    assertTrue(split.isCandidate(2, Stage.TEST), "fit data of the test stage");
    assertFalse(split.isCandidate(3, Stage.TEST));
    assertEquals(1, split.unknownTargets(Stage.VALIDATION));
    assertEquals(2, split.unknownTargets(Stage.TEST));
    // Scoring the non-candidate highest changes nothing: it is never ranked.
    Recommender leak = new LeakOnly();
    leak.fit(split.fitSequences(Stage.TEST), 5);
    assertEquals(0, Evaluator.evaluate(leak, split, Stage.TEST).hrAt10(), 1e-12);
  }

  @Test
  void aCatalogueFileItemWithoutEventsIsACandidate() {
    Dataset log = leakyLog();
    Dataset listed = new Dataset(log.name(), log.catalog(), log.interactions(), Set.of("x0", "x1"));
    LeaveOneOut split = LeaveOneOut.of(listed, 0, 42L);
    int x0 = listed.catalog().indexOf("x0");
    assertTrue(split.isCandidate(x0, Stage.VALIDATION), "listed: known before any event");
    assertEquals(8, split.unknownTargets(Stage.TEST), "x0 and x1 can now be hit");
    Recommender leak = new LeakOnly();
    leak.fit(split.fitSequences(Stage.TEST), split.numItems());
    // Listed items without events legitimately rank first for a zero-fit rule (a shop's new
    // items), and only their two users can gain.
    assertEquals(2 / 40.0, Evaluator.evaluate(leak, split, Stage.TEST).hrAt10(), 1e-12);
  }

  @Test
  void coldItemsAreChosenOnlyAmongItemsKnownBeforeTheValidationTargets() {
    LeaveOneOut split = LeaveOneOut.of(leakyLog(), 0.5, 7L);
    assertEquals(21, split.numCold(), "half of the 42 items known on validation");
    for (int i = 0; i < split.numItems(); i++) {
      if (split.isCold(i)) {
        assertTrue(split.isCandidate(i, Stage.VALIDATION), "cold item " + i + " was unknown");
      }
    }
  }
}
