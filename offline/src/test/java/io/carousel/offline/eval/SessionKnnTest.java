package io.carousel.offline.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** V-SKNN's neighbour votes on a hand-checked log. */
class SessionKnnTest {
  // Sessions in time order: 0 {0,1,2}, 1 {1,3}, 2 {0,4}, 3 {2,5}.
  private static final List<int[]> SESSIONS =
      List.of(new int[] {0, 1, 2}, new int[] {1, 3}, new int[] {0, 4}, new int[] {2, 5});

  @Test
  void neighboursVoteWithTheirPositionWeightedOverlap() {
    SessionKnn knn = new SessionKnn(10, 10);
    knn.fit(SESSIONS, 6);
    // History [0, 1]: item 1 is last (w = 1), item 0 one before (w = 1/2).
    float[] s = knn.score(new int[] {0}, new int[][] {{0, 1}})[0];
    // Session 0 shares {0, 1}: sim 1.5; session 1 shares {1}: 1; session 2 shares {0}: 0.5.
    assertEquals(1.5f + 0.5f, s[0], 1e-6f);
    assertEquals(1.5f + 1f, s[1], 1e-6f);
    assertEquals(1.5f, s[2], 1e-6f);
    assertEquals(1f, s[3], 1e-6f);
    assertEquals(0.5f, s[4], 1e-6f);
    assertEquals(0f, s[5], 0f, "session 3 shares nothing");
  }

  @Test
  void onlyTheKMostSimilarOfTheMostRecentCandidatesVote() {
    SessionKnn knn = new SessionKnn(1, 2);
    knn.fit(SESSIONS, 6);
    // Candidates of [0, 1]: sessions 0, 1, 2; the sample keeps the 2 most recent (1, 2); k = 1
    // keeps session 1 (sim 1 over 0.5).
    float[] s = knn.score(new int[] {0}, new int[][] {{0, 1}})[0];
    assertEquals(1f, s[3], 1e-6f);
    assertEquals(1f, s[1], 1e-6f);
    assertEquals(0f, s[4], 0f);
    assertEquals(0f, s[2], 0f, "session 0 was not sampled");
  }
}
