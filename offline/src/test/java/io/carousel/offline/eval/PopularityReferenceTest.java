package io.carousel.offline.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.carousel.offline.data.Dataset;
import io.carousel.offline.data.DatasetReader;
import io.carousel.offline.data.RealData;
import org.junit.jupiter.api.Test;

/**
 * Pins the popularity baseline on movielens-100k to the reference of its PROVENANCE.md: last rating
 * by time (ties by item id) is the test target, fit on all other ratings, ties by item id.
 */
class PopularityReferenceTest {

  @Test
  void reproducesTheMovieLensReference() {
    Dataset ml = RealData.dataset(DatasetReader.MOVIELENS_100K, DatasetReader.MOVIELENS_100K);
    LeaveOneOut split = LeaveOneOut.of(ml, 0, 1L);
    Popularity pop = new Popularity();
    pop.fit(split.fitSequences(LeaveOneOut.Stage.TEST), split.numItems());
    Metrics m = Evaluator.evaluate(pop, split, LeaveOneOut.Stage.TEST);
    assertEquals(943, m.users());
    assertEquals(0.0498, m.hrAt10(), 5e-5);
    assertEquals(0.0253, m.ndcgAt10(), 5e-5);
  }
}
