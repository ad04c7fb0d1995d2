package io.carousel.engine.retrieval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopNTest {
  @Test
  void returnsTheBestFirstWithTiesByLowerIndex() {
    float[] scores = {0.5f, 2f, 0.5f, 3f, 2f, -1f};
    TopN top = TopN.select(scores, 4, null);
    assertArrayEquals(new int[] {3, 1, 4, 0}, top.items());
    assertArrayEquals(new float[] {3f, 2f, 2f, 0.5f}, top.scores());
  }

  @Test
  void skipsExcludedItemsAndNaN() {
    float[] scores = {0.5f, Float.NaN, 0.7f, 3f};
    TopN top = TopN.select(scores, 10, i -> i == 3);
    assertArrayEquals(new int[] {2, 0}, top.items());
    assertArrayEquals(new int[0], TopN.select(scores, 0, null).items());
    assertThrows(IllegalArgumentException.class, () -> TopN.select(scores, -1, null));
  }

  @Test
  void agreesWithAFullSortOnRandomScores() {
    Random rng = new Random(11);
    for (int trial = 0; trial < 50; trial++) {
      float[] scores = new float[200];
      for (int i = 0; i < scores.length; i++) {
        scores[i] = rng.nextInt(40) / 4f; // many ties
      }
      int k = 1 + rng.nextInt(30);
      int[] expected =
          IntStream.range(0, scores.length)
              .boxed()
              .filter(i -> i % 7 != 0)
              .sorted(
                  Comparator.<Integer>comparingDouble(i -> -scores[i])
                      .thenComparing(Comparator.naturalOrder()))
              .limit(k)
              .mapToInt(Integer::intValue)
              .toArray();
      assertArrayEquals(expected, TopN.select(scores, k, i -> i % 7 == 0).items());
    }
  }
}
