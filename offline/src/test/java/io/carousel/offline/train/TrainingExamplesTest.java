package io.carousel.offline.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.carousel.engine.tower.TowerSignatures;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrainingExamplesTest {
  @Test
  void cutsEveryPositionIntoALeftPaddedHistoryAndItsTarget() {
    TrainingExamples ex =
        TrainingExamples.from(List.of(new int[] {7}, new int[] {1, 2, 3, 4, 5}), 3, 10);
    assertEquals(4, ex.size());
    int[] histories = new int[4 * 3];
    int[] targets = new int[4];
    ex.gather(new int[] {0, 1, 2, 3}, 0, 4, histories, targets);
    assertArrayEquals(new int[] {-1, -1, 1, -1, 1, 2, 1, 2, 3, 2, 3, 4}, histories);
    assertArrayEquals(new int[] {2, 3, 4, 5}, targets);
  }

  @Test
  void padsShortAndTruncatesLongHistoriesKeepingTheMostRecent() {
    int[] out = new int[8];
    TowerSignatures.padInto(new int[] {5}, 4, out, 0);
    TowerSignatures.padInto(new int[] {1, 2, 3, 4, 5, 6}, 4, out, 4);
    assertArrayEquals(new int[] {-1, -1, -1, 5, 3, 4, 5, 6}, out);
    TowerSignatures.padInto(new int[0], 4, out, 0);
    assertArrayEquals(new int[] {-1, -1, -1, -1}, java.util.Arrays.copyOf(out, 4));
  }

  @Test
  void shufflesTheSameWayForTheSameSeed() {
    TrainingExamples ex = TrainingExamples.from(List.of(new int[] {0, 1, 2, 3, 4, 5, 6}), 2, 7);
    int[] a = ex.shuffledOrder(new Random(3));
    int[] b = ex.shuffledOrder(new Random(3));
    assertArrayEquals(a, b);
    assertEquals(15, java.util.Arrays.stream(a).sum(), "a permutation of 0..5");
  }
}
