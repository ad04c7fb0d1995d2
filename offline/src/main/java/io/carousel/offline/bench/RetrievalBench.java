package io.carousel.offline.bench;

import io.carousel.engine.Catalog;
import io.carousel.engine.model.ModelFolder;
import io.carousel.engine.retrieval.CatalogueExtension;
import io.carousel.engine.retrieval.ExactTopK;
import io.carousel.engine.retrieval.IvfTopK;
import io.carousel.engine.retrieval.Retrieval;
import io.carousel.engine.retrieval.TopN;
import io.carousel.engine.tower.TwoTowerScorer;
import io.carousel.offline.data.Dataset;
import io.carousel.offline.data.Interaction;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Recall and cost of the inverted-file index ({@link IvfTopK}) against exact retrieval on a trained
 * model's item vectors and session vectors of real histories (never random vectors: an index's
 * recall depends on the structure trained embeddings have). Queries are the session tower's vectors
 * after each sampled user's history in the log (up to the model's history length); the truth is the
 * exact top-k over the same matrix, no item excluded. Cost is thread CPU time per query (one
 * thread, the queries one at a time and in batches of 32), which contention on a shared box
 * disturbs far less than wall time; exact is measured in the same run.
 */
public final class RetrievalBench {
  /** One index configuration: recall@k against exact and CPU µs per query. */
  public record Row(
      int items,
      String index,
      int probe,
      double recall,
      double cpuMicrosB1,
      double cpuMicrosB32,
      double scannedShare,
      long matrixBytes) {}

  /** What was measured, with the build time of the index. */
  public record Result(
      int trainedItems,
      int items,
      int queries,
      int k,
      int lists,
      double buildSeconds,
      List<Row> rows) {}

  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  private RetrievalBench() {}

  /**
   * Measures exact retrieval and IVF at each probe over the model's items, extended to {@code
   * catalogueItems} by {@link CatalogueExtension} when that is larger than the trained catalogue.
   *
   * @param lists IVF lists, or 0 for {@link IvfTopK#defaultLists}
   */
  public static Result run(
      Path modelDir,
      Dataset log,
      int catalogueItems,
      int lists,
      int[] probes,
      int users,
      int k,
      long seed,
      PrintStream progress) {
    Catalog catalog = ModelFolder.at(modelDir).meta().catalog();
    try (TwoTowerScorer scorer = TwoTowerScorer.load(modelDir)) {
      float[][] trained = scorer.itemVectors();
      float[][] all = trained;
      if (catalogueItems > trained.length) {
        float[][] extra =
            CatalogueExtension.draw(
                    trained,
                    catalogueItems - trained.length,
                    CatalogueExtension.DEFAULT_BANDWIDTH,
                    seed)
                .vectors();
        all = Arrays.copyOf(trained, catalogueItems);
        System.arraycopy(extra, 0, all, trained.length, extra.length);
      }
      float[][] queries = sessionVectors(scorer, catalog, log, users, seed);
      progress.printf(
          "retrieval: %d items (%d trained), %d queries from real histories, k=%d%n",
          all.length, trained.length, queries.length, k);
      ExactTopK exact = ExactTopK.of(all, ExactTopK.DEFAULT_CHUNK);
      TopN[] truth = search(exact, queries, k);
      List<Row> rows = new ArrayList<>();
      rows.add(measure(exact, "exact", 0, queries, truth, k, 1.0, all.length));
      long start = System.nanoTime();
      int l = lists > 0 ? lists : IvfTopK.defaultLists(all.length);
      IvfTopK ivf = IvfTopK.build(all, l, 1, seed);
      double build = (System.nanoTime() - start) / 1e9;
      progress.printf("ivf: %d lists built in %.1f s%n", ivf.lists(), build);
      for (int p : probes) {
        IvfTopK at = ivf.withProbe(p);
        rows.add(
            measure(at, "ivf", at.probe(), queries, truth, k, scanned(at, queries), all.length));
      }
      return new Result(trained.length, all.length, queries.length, k, ivf.lists(), build, rows);
    }
  }

  /** Share of the items the index scores for these queries (probed lists' sizes over N). */
  private static double scanned(IvfTopK ivf, float[][] queries) {
    return (double) ivf.scannedItems(queries) / ((double) queries.length * ivf.numItems());
  }

  /**
   * The session vectors after the histories of {@code users} users of the log drawn at random
   * (seeded) among those with at least two known items: each user's items in time order, the last
   * {@code historyLength} used.
   */
  static float[][] sessionVectors(
      TwoTowerScorer scorer, Catalog catalog, Dataset log, int users, long seed) {
    Map<String, List<Interaction>> byUser = new LinkedHashMap<>();
    for (Interaction i : log.interactions()) {
      byUser.computeIfAbsent(i.userId(), u -> new ArrayList<>()).add(i);
    }
    List<int[]> histories = new ArrayList<>();
    for (List<Interaction> events : byUser.values()) {
      events.sort(Comparator.comparingLong(Interaction::timestampMs));
      int[] h =
          events.stream()
              .mapToInt(e -> catalog.indexOf(e.itemId()))
              .filter(ix -> ix >= 0 && ix < scorer.trainedItems())
              .toArray();
      if (h.length >= 2) {
        histories.add(
            Arrays.copyOfRange(h, Math.max(0, h.length - scorer.historyLength()), h.length));
      }
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = histories.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int[] t = histories.get(i);
      histories.set(i, histories.get(j));
      histories.set(j, t);
    }
    List<int[]> chosen = histories.subList(0, Math.min(users, histories.size()));
    float[][] out = new float[chosen.size()][];
    for (int from = 0; from < chosen.size(); from += 256) {
      int to = Math.min(chosen.size(), from + 256);
      float[][] part = scorer.sessionVectors(chosen.subList(from, to).toArray(new int[0][]));
      System.arraycopy(part, 0, out, from, part.length);
    }
    return out;
  }

  private static TopN[] search(Retrieval index, float[][] queries, int k) {
    int[] ks = new int[queries.length];
    Arrays.fill(ks, k);
    return index.search(queries, ks, null, 1f);
  }

  private static Row measure(
      Retrieval index,
      String name,
      int probe,
      float[][] queries,
      TopN[] truth,
      int k,
      double scannedShare,
      int items) {
    TopN[] got = search(index, queries, k);
    long found = 0;
    long wanted = 0;
    for (int q = 0; q < queries.length; q++) {
      Set<Integer> t = new HashSet<>();
      for (int item : truth[q].items()) {
        t.add(item);
      }
      wanted += t.size();
      for (int item : got[q].items()) {
        found += t.contains(item) ? 1 : 0;
      }
    }
    return new Row(
        items,
        name,
        probe,
        wanted == 0 ? 1.0 : (double) found / wanted,
        cpuMicros(index, queries, k, 1),
        cpuMicros(index, queries, k, 32),
        scannedShare,
        index.matrixBytes());
  }

  /** Thread CPU µs per query over at least 0.5 s (after one unmeasured pass), batches of b. */
  private static double cpuMicros(Retrieval index, float[][] queries, int k, int b) {
    int[] ks = new int[b];
    Arrays.fill(ks, k);
    Runnable pass =
        () -> {
          for (int from = 0; from + b <= queries.length; from += b) {
            index.search(Arrays.copyOfRange(queries, from, from + b), ks, null, 1f);
          }
        };
    pass.run();
    long answered = 0;
    long start = CPU.getCurrentThreadCpuTime();
    long spent;
    do {
      pass.run();
      answered += (queries.length / b) * (long) b;
      spent = CPU.getCurrentThreadCpuTime() - start;
    } while (spent < 500_000_000L);
    return spent / 1e3 / answered;
  }
}
