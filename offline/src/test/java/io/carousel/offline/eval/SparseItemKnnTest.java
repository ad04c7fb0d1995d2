package io.carousel.offline.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.offline.data.Dataset;
import io.carousel.offline.data.DatasetReader;
import io.carousel.offline.data.RealData;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sparse item-knn (top-M neighbour lists, never {@code numItems²} floats) scores exactly what
 * the former dense one scores once its rows are cut to the same top M, on real data.
 */
class SparseItemKnnTest {

  @Test
  void sparseItemKnnEqualsTheDenseOneForTheTopMNeighboursOnMovieLens() {
    Dataset ml = RealData.dataset(DatasetReader.MOVIELENS_100K, DatasetReader.MOVIELENS_100K);
    LeaveOneOut split = LeaveOneOut.of(ml, 0, 1L);
    List<int[]> fit = split.fitSequences(LeaveOneOut.Stage.TEST);
    int[] users = java.util.Arrays.copyOf(split.evaluatedUsers(), 64);
    int[][] histories = new int[users.length][];
    for (int b = 0; b < users.length; b++) {
      histories[b] = split.history(users[b], LeaveOneOut.Stage.TEST);
    }
    for (int m : new int[] {20, 200}) {
      ItemKnn sparse = new ItemKnn(m);
      sparse.fit(fit, split.numItems());
      DenseItemKnn dense = new DenseItemKnn(m);
      dense.fit(fit, split.numItems());
      float[][] expected = dense.score(users, histories);
      float[][] actual = sparse.score(users, histories);
      for (int b = 0; b < users.length; b++) {
        assertArrayEquals(expected[b], actual[b], 1e-5f, "user " + users[b] + ", M=" + m);
      }
    }
    // The truncation matters: M=20 ranks differently from every neighbour, so the check is not
    // passing by keeping everything.
    ItemKnn all = new ItemKnn(split.numItems());
    all.fit(fit, split.numItems());
    ItemKnn top20 = new ItemKnn(20);
    top20.fit(fit, split.numItems());
    float[] a = all.score(users, histories)[0];
    float[] t = top20.score(users, histories)[0];
    int differing = 0;
    for (int j = 0; j < a.length; j++) {
      differing += a[j] != t[j] ? 1 : 0;
    }
    assertTrue(differing > 100, "M=20 drops neighbours: " + differing + " scores differ");
  }

  @Test
  void sparseItemKnnWithEveryNeighbourEqualsTheDenseMetricsOnMovieLens() {
    Dataset ml = RealData.dataset(DatasetReader.MOVIELENS_100K, DatasetReader.MOVIELENS_100K);
    LeaveOneOut split = LeaveOneOut.of(ml, 0, 1L);
    ItemKnn sparse = new ItemKnn(split.numItems());
    sparse.fit(split.fitSequences(LeaveOneOut.Stage.TEST), split.numItems());
    DenseItemKnn dense = new DenseItemKnn(split.numItems());
    dense.fit(split.fitSequences(LeaveOneOut.Stage.TEST), split.numItems());
    Metrics s = Evaluator.evaluate(sparse, split, LeaveOneOut.Stage.TEST);
    Metrics d = Evaluator.evaluate(dense, split, LeaveOneOut.Stage.TEST);
    assertEquals(d.hrAt10(), s.hrAt10(), 1e-12);
    assertEquals(d.ndcgAt10(), s.ndcgAt10(), 1e-12);
    assertEquals(d.mrrAt20(), s.mrrAt20(), 1e-12);
  }
}
