package io.carousel.engine.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HnswIndexTest {
  private static float[] units(int n, int dim, Random rnd) {
    float[] v = new float[n * dim];
    for (int i = 0; i < n; i++) {
      double norm = 0;
      for (int j = 0; j < dim; j++) {
        v[i * dim + j] = (float) rnd.nextGaussian();
        norm += v[i * dim + j] * v[i * dim + j];
      }
      for (int j = 0; j < dim; j++) {
        v[i * dim + j] /= (float) Math.sqrt(norm);
      }
    }
    return v;
  }

  @Test
  void findsMostOfTheExactTopTenOnASmallCatalogue() {
    Random rnd = new Random(3L);
    int dim = 16;
    float[] items = units(2000, dim, rnd);
    float[] queries = units(20, dim, rnd);
    ExactTopK exact = new ExactTopK(items, dim, 512);
    try (HnswIndex hnsw = new HnswIndex(items, dim)) {
      int hits = 0;
      for (int q = 0; q < 20; q++) {
        float[] query = java.util.Arrays.copyOfRange(queries, q * dim, (q + 1) * dim);
        TopN want = exact.search(new float[][] {query}, new int[] {10}, null, 1f)[0];
        TopN got = hnsw.search(query, 10, 100);
        assertEquals(10, got.items().length);
        assertEquals(want.scores()[0], got.scores()[0], 1e-4f, "the best item is easy to find");
        Set<Integer> truth = IntStream.of(want.items()).boxed().collect(Collectors.toSet());
        hits += (int) IntStream.of(got.items()).filter(truth::contains).count();
      }
      // HNSW is approximate; on 2,000 items with ef 100 it should recover nearly all.
      assertTrue(hits >= 190, "recall@10 " + hits / 200.0);
    }
  }
}
