package io.carousel.offline.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.junit.jupiter.api.Test;

class EvaluatorTest {

  @Test
  void ranksByScoreThenLowerIndexSkippingExcludedItems() {
    float[] scores = {0.5f, 0.9f, 0.5f, 0.1f, 0.7f};
    boolean[] excluded = {false, false, false, false, true};
    assertEquals(1, Evaluator.rank(scores, 0, excluded), "item 1 above, item 2 ties but is later");
    assertEquals(2, Evaluator.rank(scores, 2, excluded), "items 1 and 0 (tie, lower index) above");
    assertEquals(0, Evaluator.rank(scores, 1, excluded));
    assertEquals(Integer.MAX_VALUE, Evaluator.rank(scores, 4, excluded));
  }

  @Test
  void splitsEachSequenceIntoFitValidationAndTest() {
    LeaveOneOut split =
        LeaveOneOut.ofSequences(6, List.of(new int[] {0, 1, 2, 3}, new int[] {4, 5}));
    assertArrayEquals(new int[] {0}, split.evaluatedUsers(), "a 2-item user is not evaluated");
    assertArrayEquals(new int[] {0, 1}, split.fitSequences(Stage.VALIDATION).get(0));
    assertArrayEquals(new int[] {4, 5}, split.fitSequences(Stage.VALIDATION).get(1));
    assertArrayEquals(new int[] {0, 1, 2}, split.fitSequences(Stage.TEST).get(0));
    assertEquals(2, split.target(0, Stage.VALIDATION));
    assertEquals(3, split.target(0, Stage.TEST));
    assertArrayEquals(new int[] {0, 1, 2}, split.history(0, Stage.TEST));
  }

  @Test
  void computesHitNdcgMrrAndCoverageFromRanks() {
    // Users 0..2 each predict their last item; Markov ranks the seen transition first.
    List<int[]> seqs =
        List.of(
            new int[] {0, 1, 2, 3},
            new int[] {1, 2, 0, 4},
            new int[] {2, 3, 1, 2, 3},
            new int[] {4, 0, 1, 2, 3});
    LeaveOneOut split = LeaveOneOut.ofSequences(5, seqs);
    Markov markov = new Markov();
    markov.fit(split.fitSequences(Stage.TEST), 5);
    Metrics m = Evaluator.evaluate(markov, split, Stage.TEST);
    // Popularity 0:3 1:4 2:5 3:1 4:1. User 0 after 2: 0, 1, 2 excluded, 3 (transition) rank 0.
    // User 1 after 0: 0, 1, 2 excluded; 3 and 4 tie on popularity, 3 has the lower index: rank 1.
    // User 2: target 3 is already in the history (a repeat), so a miss. User 3: 3 rank 0.
    assertEquals(4, m.users());
    assertEquals(0.75, m.hrAt10(), 1e-12);
    assertEquals((1 + 1 + 1 / (Math.log(3) / Math.log(2))) / 4, m.ndcgAt10(), 1e-12);
    assertEquals((1 + 1 + 0.5) / 4, m.mrrAt20(), 1e-12);
    assertFalse(m.coverageAt10() > 1);
  }

  @Test
  void dropsColdItemsFromFitDataAndHistoriesButKeepsThemAsTargets() {
    List<Item> items = new ArrayList<>();
    List<Interaction> log = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      items.add(new Item(Integer.toString(i), "item " + i, ""));
    }
    for (int u = 0; u < 4; u++) {
      for (int t = 0; t < 10; t++) {
        log.add(new Interaction("u" + u, Integer.toString((t + u) % 10), EventType.CLICK, t));
      }
    }
    log.sort(Comparator.comparingLong(Interaction::timestampMs));
    LeaveOneOut split = LeaveOneOut.of(new Dataset("toy", new Catalog(items), log), 0.3, 5L);
    assertEquals(3, split.numCold());
    int coldTargets = 0;
    for (int u : split.evaluatedUsers()) {
      assertEquals((9 + u) % 10, split.target(u, Stage.TEST), "targets keep cold items");
      assertEquals(9, split.seen(u, Stage.TEST).length, "exclusion sees cold items");
      boolean coldTarget = split.isCold(split.target(u, Stage.TEST));
      assertEquals(
          coldTarget ? 7 : 6, split.history(u, Stage.TEST).length, "cold items left the history");
      coldTargets += coldTarget ? 1 : 0;
      for (int i : split.fitSequences(Stage.VALIDATION).get(u)) {
        assertFalse(split.isCold(i));
      }
    }
    assertEquals(4, split.evaluatedUsers().length);
    assertTrue(coldTargets <= 3);
  }
}
