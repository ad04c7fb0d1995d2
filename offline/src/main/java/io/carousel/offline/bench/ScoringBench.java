package io.carousel.offline.bench;

import io.carousel.engine.retrieval.ExactTopK;
import io.carousel.engine.retrieval.HnswIndex;
import io.carousel.engine.retrieval.TopN;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * Closed-loop load test of candidate retrieval on a synthetic item matrix: {@code clients} threads
 * each send a request and wait for its answer; {@code workers} threads (the ScoringModel pool) take
 * requests off one queue and either score each alone over the whole catalogue (the no-batching
 * path: a materialised {@code float[numItems]} row plus {@link TopN#select}) or micro-batch up to
 * {@code window} of them, flushing after {@code flushMs} at the latest, into one {@link
 * ExactTopK#search}. Throughput and latency (send to answer, ms) count the requests answered within
 * the measured window.
 */
public final class ScoringBench {
  /**
   * One measured configuration.
   *
   * @param items catalogue size N
   * @param path "no-batching" or "chunked"
   * @param window largest batch (1 for no-batching)
   * @param requestsPerSecond completed requests / measured seconds
   * @param p50Ms median latency, ms
   * @param p99Ms 99th-percentile latency, ms
   * @param meanBatch mean requests per search call
   * @param rssMiB the JVM's resident set after the run (VmRSS), MiB
   */
  public record Row(
      int items,
      String path,
      int window,
      double requestsPerSecond,
      double p50Ms,
      double p99Ms,
      double meanBatch,
      long rssMiB) {}

  /**
   * HNSW against exact retrieval on the same catalogue, one thread.
   *
   * @param items catalogue size N
   * @param ef HNSW candidate-list size
   * @param buildSeconds time to build the graph, s
   * @param recall mean |HNSW top-k ∩ exact top-k| / k over the queries
   * @param hnswQueriesPerSecond HNSW searches per second, one thread
   * @param exactQueriesPerSecond exact B = 1 searches per second, one thread
   */
  public record HnswRow(
      int items,
      int ef,
      double buildSeconds,
      double recall,
      double hnswQueriesPerSecond,
      double exactQueriesPerSecond) {}

  /**
   * Builds an {@link HnswIndex} over the catalogue and measures recall@k against {@link ExactTopK}
   * and single-thread queries/s of both, on {@code numQueries} of the seeded queries per ef.
   */
  public List<HnswRow> hnsw(int[] efs, int numQueries) {
    long t0 = System.nanoTime();
    List<HnswRow> rows = new ArrayList<>();
    try (HnswIndex index = new HnswIndex(items, dim)) {
      double build = (System.nanoTime() - t0) / 1e9;
      int nq = Math.min(numQueries, queries.length);
      TopN[] exact = new TopN[nq];
      long e0 = System.nanoTime();
      for (int q = 0; q < nq; q++) {
        exact[q] = this.index.search(new float[][] {queries[q]}, new int[] {k}, null, 1f)[0];
      }
      double exactQps = nq / ((System.nanoTime() - e0) / 1e9);
      for (int ef : efs) {
        long h0 = System.nanoTime();
        double hits = 0;
        for (int q = 0; q < nq; q++) {
          TopN got = index.search(queries[q], k, ef);
          java.util.Set<Integer> truth = new java.util.HashSet<>();
          for (int id : exact[q].items()) {
            truth.add(id);
          }
          for (int id : got.items()) {
            hits += truth.contains(id) ? 1 : 0;
          }
        }
        double hnswQps = nq / ((System.nanoTime() - h0) / 1e9);
        rows.add(new HnswRow(this.index.numItems(), ef, build, hits / nq / k, hnswQps, exactQps));
      }
    }
    return rows;
  }

  private record Request(float[] query, long sentNanos, CompletableFuture<TopN> answer) {}

  private final float[] items;
  private final int dim;
  private final float[][] queries;
  private final ExactTopK index;
  private final int k;

  /**
   * Builds {@code numItems} seeded random unit vectors of width {@code dim} and 1024 queries.
   *
   * @param k items returned per request
   */
  public ScoringBench(int numItems, int dim, int k, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    this.dim = dim;
    this.k = k;
    this.items = new float[numItems * dim];
    for (int i = 0; i < numItems; i++) {
      unit(rnd, items, i * dim, dim);
    }
    this.queries = new float[1024][dim];
    for (float[] q : queries) {
      unit(rnd, q, 0, dim);
    }
    this.index = new ExactTopK(items, dim, ExactTopK.DEFAULT_CHUNK);
  }

  private static void unit(SplittableRandom rnd, float[] into, int offset, int dim) {
    double norm = 0;
    for (int j = 0; j < dim; j++) {
      float v = (float) (rnd.nextDouble() * 2 - 1);
      into[offset + j] = v;
      norm += v * v;
    }
    float inv = (float) (1 / Math.sqrt(norm));
    for (int j = 0; j < dim; j++) {
      into[offset + j] *= inv;
    }
  }

  /**
   * Runs one configuration: {@code warmupSeconds} unmeasured, then {@code seconds} measured.
   *
   * @param window largest batch; 0 selects the no-batching path
   * @throws InterruptedException if interrupted while waiting for the threads
   */
  public Row run(
      int window, int clients, int workers, long flushMs, double warmupSeconds, double seconds)
      throws InterruptedException {
    LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    Recorder latencies = new Recorder(3);
    AtomicLong completed = new AtomicLong();
    AtomicLong calls = new AtomicLong();
    AtomicLong batched = new AtomicLong();
    long start = System.nanoTime();
    long measureFrom = start + (long) (warmupSeconds * 1e9);
    long end = measureFrom + (long) (seconds * 1e9);
    List<Thread> threads = new ArrayList<>();
    AtomicInteger liveClients = new AtomicInteger(clients);
    for (int w = 0; w < workers; w++) {
      threads.add(
          daemon(() -> work(queue, window, flushMs, liveClients, measureFrom, calls, batched)));
    }
    for (int c = 0; c < clients; c++) {
      int id = c;
      threads.add(
          daemon(
              () -> {
                try {
                  client(id, queue, end, measureFrom, latencies, completed);
                } finally {
                  liveClients.decrementAndGet();
                }
              }));
    }
    for (Thread t : threads) {
      t.join();
    }
    var h = latencies.getIntervalHistogram();
    return new Row(
        index.numItems(),
        window == 0 ? "no-batching" : "chunked",
        Math.max(window, 1),
        completed.get() / seconds,
        h.getValueAtPercentile(50) / 1e6,
        h.getValueAtPercentile(99) / 1e6,
        calls.get() == 0 ? 0 : (double) batched.get() / calls.get(),
        rssMiB());
  }

  private static Thread daemon(Runnable body) {
    Thread t = new Thread(body);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private void client(
      int id,
      LinkedBlockingQueue<Request> queue,
      long end,
      long measureFrom,
      Recorder latencies,
      AtomicLong completed) {
    int next = id;
    while (System.nanoTime() < end) {
      long sent = System.nanoTime();
      Request r = new Request(queries[next++ % queries.length], sent, new CompletableFuture<>());
      queue.add(r);
      try {
        r.answer().get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException e) {
        throw new IllegalStateException("scoring failed in the benchmark", e.getCause());
      }
      long done = System.nanoTime();
      if (done >= measureFrom && done <= end) {
        latencies.recordValue(done - sent);
        completed.incrementAndGet();
      }
    }
  }

  private void work(
      LinkedBlockingQueue<Request> queue,
      int window,
      long flushMs,
      AtomicInteger liveClients,
      long measureFrom,
      AtomicLong calls,
      AtomicLong batched) {
    List<Request> batch = new ArrayList<>();
    try {
      // Runs until every client has stopped, so that no client waits for an answer forever.
      while (liveClients.get() > 0 || !queue.isEmpty()) {
        Request first = queue.poll(20, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.clear();
        batch.add(first);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(flushMs);
        while (batch.size() < Math.max(window, 1)) {
          long left = deadline - System.nanoTime();
          Request more = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
          if (more == null) {
            break;
          }
          batch.add(more);
        }
        if (System.nanoTime() >= measureFrom) {
          calls.incrementAndGet();
          batched.addAndGet(batch.size());
        }
        if (window == 0) {
          first.answer().complete(TopN.select(fullRow(first.query()), k, null));
        } else {
          answer(batch);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void answer(List<Request> batch) {
    float[][] q = new float[batch.size()][];
    int[] ks = new int[batch.size()];
    for (int i = 0; i < q.length; i++) {
      q[i] = batch.get(i).query();
      ks[i] = k;
    }
    TopN[] tops = index.search(q, ks, null, 1f);
    for (int i = 0; i < q.length; i++) {
      batch.get(i).answer().complete(tops[i]);
    }
  }

  /** The no-batching path: every score of the catalogue into one row, then a heap. */
  private float[] fullRow(float[] q) {
    int n = items.length / dim;
    float[] row = new float[n];
    for (int i = 0; i < n; i++) {
      int off = i * dim;
      float a0 = 0;
      float a1 = 0;
      int j = 0;
      for (; j + 1 < dim; j += 2) {
        a0 += q[j] * items[off + j];
        a1 += q[j + 1] * items[off + j + 1];
      }
      if (j < dim) {
        a0 += q[j] * items[off + j];
      }
      row[i] = a0 + a1;
    }
    return row;
  }

  /** Returns the resident set size of this JVM from {@code /proc/self/status} (VmRSS), MiB. */
  public static long rssMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
