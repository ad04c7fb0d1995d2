package io.carousel.offline.simulation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.carousel.engine.Catalog;
import io.carousel.engine.Item;
import io.carousel.offline.data.Interaction;
import io.carousel.offline.data.TimeSplit;
import io.carousel.policy.EventType;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class CandidateLogTest {

  @Test
  void topUnseenSkipsSeenAndBreaksTiesByIndex() {
    float[] logits = {0.5f, 0.9f, 0.9f, 0.1f, 0.7f};
    BitSet seen = new BitSet();
    seen.set(4);
    assertArrayEquals(new int[] {1, 2, 0}, CandidateLog.topUnseen(logits, seen, 3));
    assertArrayEquals(new int[] {1, 2, 0, 3}, CandidateLog.topUnseen(logits, seen, 9));
  }

  @Test
  void historiesGrowWithLoggedItemsAndSeenItemsAreExcluded() {
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      items.add(new Item("i" + i, "item " + i, "c"));
    }
    Catalog catalog = new Catalog(items);
    List<Interaction> train = List.of(click("u", "i0", 1));
    List<Interaction> replay =
        List.of(click("u", "i1", 2), click("v", "i2", 3), click("u", "i3", 4));
    // Item j scores 10 - j, except that the scorer echoes the history length into item 5.
    List<int[]> seenHistories = new ArrayList<>();
    CandidateLog log =
        CandidateLog.build(
            new TimeSplit(train, replay),
            catalog,
            histories -> {
              float[][] out = new float[histories.length][6];
              for (int b = 0; b < histories.length; b++) {
                seenHistories.add(histories[b]);
                for (int j = 0; j < 6; j++) {
                  out[b][j] = 10 - j;
                }
              }
              return out;
            },
            50,
            3,
            2,
            0);
    assertEquals(3, log.steps());
    assertEquals(2, log.users());
    assertArrayEquals(new int[] {0, 1, 0}, log.userOf());
    assertArrayEquals(new int[] {1, 2, 3}, log.targets());
    assertArrayEquals(new int[] {0}, seenHistories.get(0));
    assertArrayEquals(new int[] {}, seenHistories.get(1));
    assertArrayEquals(new int[] {0, 1}, seenHistories.get(2));
    assertArrayEquals(new int[] {1, 2, 3}, log.candidates()[0]);
    assertArrayEquals(new int[] {0, 1, 2}, log.candidates()[1]);
    assertArrayEquals(new int[] {2, 3, 4}, log.candidates()[2]);
    assertEquals(1.0, log.candidateRecall(), 1e-12);
  }

  private static Interaction click(String user, String item, long t) {
    return new Interaction(user, item, EventType.CLICK, t);
  }
}
