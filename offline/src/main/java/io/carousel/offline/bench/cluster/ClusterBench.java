package io.carousel.offline.bench.cluster;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scaling figure: the cluster grows 1 -> 2 -> 3 nodes (--config local1..3 on Cassandra), and
 * after each step {@value #CLIENTS} closed-loop clients, spread round-robin over the nodes, each
 * repeat "POST an event, GET a slate" for random users of {@value #USERS} for {@value #SECONDS} s.
 * Prints one table row per size: acknowledged events/s and recommendation p50/p99 (client side).
 * Run by {@code carousel bench cluster WORK} with {@code CQL_PORT} set (see {@code
 * docs/deployment.md}).
 */
public final class ClusterBench {
  private static final int CLIENTS = 16;
  private static final int USERS = 1000;
  private static final int SECONDS = 30;

  private ClusterBench() {}

  /**
   * Runs the three steps into {@code work} against the Cassandra on {@code $CQL_PORT}, printing
   * each row to {@code out} as it is measured and the whole table at the end.
   *
   * @return the table's rows (markdown)
   */
  public static List<String> run(Path work, PrintStream out) throws Exception {
    work = Files.createDirectories(work.toAbsolutePath());
    String contactPoint = ClusterNode.cassandraContactPoint();
    Path model = SyntheticModel.create(work);
    String run = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    List<ClusterNode> nodes = new ArrayList<>();
    List<String> rows = new ArrayList<>();
    rows.add("| nodes | events/s | recommendation p50 (ms) | p99 (ms) | errors |");
    rows.add("|---|---|---|---|---|");
    try {
      for (int n = 1; n <= 3; n++) {
        ClusterNode node =
            ClusterNode.launch(n, ClusterNode.Ports.fixed(), work, model, contactPoint, List.of());
        nodes.add(node);
        node.awaitReady(Duration.ofSeconds(180));
        Thread.sleep(15_000); // let shards rebalance onto the new node
        List<String> bases = nodes.stream().map(x -> x.base).toList();
        measure(run + "-n" + n, bases, Duration.ofSeconds(5)); // warm-up, not reported
        rows.add(measure(run + "-n" + n, bases, Duration.ofSeconds(SECONDS)));
        out.println(rows.get(rows.size() - 1));
      }
    } finally {
      for (ClusterNode node : nodes) {
        node.close();
      }
    }
    rows.forEach(out::println);
    return rows;
  }

  private static String measure(String run, List<String> bases, Duration length) throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    AtomicLong acked = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<long[]> perClient = new ArrayList<>();
    long end = System.nanoTime() + length.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    long start = System.nanoTime();
    for (int c = 0; c < CLIENTS; c++) {
      long[] latencies = new long[200_000];
      perClient.add(latencies);
      int client = c;
      pool.submit(
          () -> {
            Random rng = new Random(client);
            int i = 0;
            int seq = 0;
            while (System.nanoTime() < end && i < latencies.length) {
              String base = bases.get((client + seq) % bases.size());
              String user = run + "-u" + rng.nextInt(USERS);
              String body =
                  String.format(
                      Locale.ROOT,
                      "{\"eventId\":\"%s-c%d-%d\",\"userId\":\"%s\",\"itemId\":\"item-%d\","
                          + "\"type\":\"click\",\"timestamp\":%d}",
                      run,
                      client,
                      seq++,
                      user,
                      rng.nextInt(SyntheticModel.ITEMS),
                      System.currentTimeMillis() - 60_000);
              try {
                int s = send(http, post(base + "/v1/events", body));
                if (s == 200) {
                  acked.incrementAndGet();
                } else {
                  errors.incrementAndGet();
                }
                long t = System.nanoTime();
                int r = send(http, get(base + "/v1/users/" + user + "/recommendations?k=10"));
                if (r == 200) {
                  latencies[i++] = System.nanoTime() - t;
                } else {
                  errors.incrementAndGet();
                }
              } catch (Exception e) {
                errors.incrementAndGet();
              }
            }
            latencies[latencies.length - 1] = i;
            return null;
          });
    }
    pool.shutdown();
    pool.awaitTermination(length.toSeconds() + 60, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    List<Long> all = new ArrayList<>();
    for (long[] l : perClient) {
      int count = (int) l[l.length - 1];
      for (int k = 0; k < count; k++) {
        all.add(l[k]);
      }
    }
    long[] sorted = all.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    return String.format(
        Locale.ROOT,
        "| %d | %.0f | %.1f | %.1f | %d |",
        bases.size(),
        acked.get() / seconds,
        percentile(sorted, 0.50) / 1e6,
        percentile(sorted, 0.99) / 1e6,
        errors.get());
  }

  private static long percentile(long[] sorted, double q) {
    return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, q * sorted.length)];
  }

  private static HttpRequest post(String url, String body) {
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static HttpRequest get(String url) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build();
  }

  private static int send(HttpClient http, HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
