package io.carousel.offline.bench.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The scale-out scenario of {@code cluster-conf/scale-out-scenario.sh} and {@link ScaleOutIT}:
 * nodes 1 and 2 on Cassandra under bounded event load, node 3 joins and takes shards, node 2 is
 * killed with SIGKILL, the split-brain resolver downs it and its users recover on the survivors.
 * WebSocket subscribers on node 1 follow users whose shards start on node 2. Every acknowledged
 * event is then checked against its user's {@code eventCount}. Run by {@code carousel bench
 * scale-out WORK} with {@code CQL_PORT} set; the last line printed is the JSON report.
 */
public final class ScaleOutScenario {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration NODE_START = Duration.ofSeconds(180);
  private static final int NUMBER_OF_SHARDS = 100;

  /**
   * What to run.
   *
   * @param users distinct users of the load
   * @param concurrency events in flight
   * @param warmUp load on two nodes before node 3 starts
   * @param subscribers WebSocket subscribers on node 1 for users first hosted on node 2
   */
  public record Options(
      Path work,
      Path model,
      String contactPoint,
      ClusterNode.Ports ports,
      int users,
      int concurrency,
      Duration warmUp,
      int subscribers) {}

  private final Options o;
  private final PrintStream out;
  private final long t0 = System.nanoTime();
  private final HttpClient http = HttpClient.newHttpClient();

  public ScaleOutScenario(Options options, PrintStream out) {
    this.o = options;
    this.out = out;
  }

  /**
   * Runs the scenario as {@code carousel bench scale-out WORK} does: into {@code work} (a folder),
   * on the fixed ports of local1..3, against the Cassandra on {@code $CQL_PORT}; prints progress
   * and, last, the JSON report to {@code out}.
   *
   * @return the report
   */
  public static Map<String, Object> runDefault(Path work, PrintStream out) throws Exception {
    work = Files.createDirectories(work.toAbsolutePath());
    String contactPoint = ClusterNode.cassandraContactPoint();
    out.println("training the synthetic model (40 items) ...");
    Path model = SyntheticModel.create(work);
    Options options =
        new Options(
            work,
            model,
            contactPoint,
            ClusterNode.Ports.fixed(),
            200,
            8,
            Duration.ofSeconds(15),
            12);
    Map<String, Object> report = new ScaleOutScenario(options, out).run();
    out.println(MAPPER.writeValueAsString(report));
    return report;
  }

  /** Runs the whole scenario; returns the report (see the class comment for its keys). */
  public Map<String, Object> run() throws Exception {
    String run = "scale-" + UUID.randomUUID().toString().substring(0, 8);
    List<ClusterNode> started = new ArrayList<>();
    List<SlateWatcher> watchers = new ArrayList<>();
    Map<String, Object> report = new LinkedHashMap<>();
    try {
      log("starting node 1 and node 2 (--config local1, local2)");
      ClusterNode n1 = launch(1, started);
      ClusterNode n2 = launch(2, started);
      n1.awaitReady(NODE_START);
      n2.awaitReady(NODE_START);
      awaitMembers(n1, 2);
      log("nodes 1 and 2 Up; load: " + o.users() + " users, " + o.concurrency() + " in flight");
      try (EventLoad load =
          new EventLoad(run, o.users(), o.concurrency(), 2_000_000, List.of(n1.base, n2.base))) {
        load.start();
        Thread.sleep(o.warmUp().toMillis());
        Map<String, Integer> before = shardCounts(List.of(n1, n2));
        log("shards before: " + before + ", events sent " + load.sent());

        Set<String> onNode2 = shardIds(n2);
        for (int u = 0; u < o.users() && watchers.size() < o.subscribers(); u++) {
          if (onNode2.contains(shardOf(load.user(u)))) {
            watchers.add(SlateWatcher.connect(n1.base, load.user(u)));
          }
        }
        log(watchers.size() + " WebSocket subscribers on node 1 for users hosted on node 2");

        log("starting node 3 (--config local3)");
        ClusterNode n3 = launch(3, started);
        long joined = awaitUp(n1, n3);
        log("node 1 sees node 3 Up; shards rebalancing (node3 = -1: its HTTP not up yet)");
        Map<String, Integer> after = awaitRebalance(List.of(n1, n2, n3));
        n3.awaitReady(NODE_START);
        load.targets(List.of(n1.base, n2.base, n3.base));
        long rebalanced = System.nanoTime();
        log("shards after node 3 joined: " + after);
        Set<String> onNode3 = shardIds(n3);
        int moved = 0;
        int movedAndStreaming = 0;
        for (SlateWatcher w : watchers) {
          if (onNode3.contains(shardOf(w.userId))) {
            moved++;
            movedAndStreaming += w.awaitSlateAfter(rebalanced, Duration.ofSeconds(20)) ? 1 : 0;
          }
        }
        log(
            movedAndStreaming
                + " of "
                + moved
                + " subscribers whose shard moved to node 3 got slates");

        log("kill -9 node 2");
        load.targets(List.of(n1.base, n3.base));
        long killed = System.nanoTime();
        n2.kill9();
        double downedS = awaitRemoved(n1, n2.address, killed);
        log(String.format(Locale.ROOT, "node 2 removed from the cluster after %.1f s", downedS));
        for (String line : n1.logLines("SBR took decision")) {
          log("  node 1 log: " + line.substring(Math.max(0, line.indexOf("SBR took"))));
        }
        long recovered = awaitEveryUserAnswers(load, List.of(n1.base, n3.base), killed);
        double failoverS = (recovered - killed) / 1e9;
        long failoverErrors = load.failuresBetween(killed, recovered);
        log(
            String.format(
                Locale.ROOT, "every user answered again %.1f s after the kill", failoverS));
        Map<String, Integer> afterFailover = awaitRebalance(List.of(n1, n3));
        int streamingAfterFailover = 0;
        for (SlateWatcher w : watchers) {
          streamingAfterFailover += w.awaitSlateAfter(recovered, Duration.ofSeconds(20)) ? 1 : 0;
        }
        log(
            "shards after failover: "
                + afterFailover
                + "; subscribers streaming: "
                + streamingAfterFailover
                + " of "
                + watchers.size());
        Thread.sleep(3_000);
        load.stopAndDrain();
        double loadS = (System.nanoTime() - t0) / 1e9;

        Map<String, Object> verified = verify(load, n1.base);
        report.put("sent", load.sent());
        report.put("acknowledged", load.count(EventLoad.ACKED));
        report.put("failed", load.count(EventLoad.FAILED));
        report.putAll(verified);
        report.put("failover_errors", failoverErrors);
        report.put("failover_seconds", round(failoverS));
        report.put("downed_after_seconds", round(downedS));
        report.put("rebalance_seconds", round((rebalanced - joined) / 1e9));
        report.put("shards_before", before);
        report.put("shards_after", after);
        report.put("shards_after_failover", afterFailover);
        report.put("users", o.users());
        report.put("subscribers", watchers.size());
        report.put("subscribers_moved_by_rebalance", moved);
        report.put("subscribers_streaming_after_rebalance_move", movedAndStreaming);
        report.put("subscribers_streaming_after_failover", streamingAfterFailover);
        report.put("elapsed_seconds", round(loadS));
      }
    } finally {
      watchers.forEach(SlateWatcher::close);
      for (ClusterNode n : started) {
        n.close();
      }
    }
    return report;
  }

  private ClusterNode launch(int index, List<ClusterNode> started) throws Exception {
    ClusterNode n =
        ClusterNode.launch(index, o.ports(), o.work(), o.model(), o.contactPoint(), List.of());
    started.add(n);
    return n;
  }

  /** Per user: acknowledged events must all be in {@code eventCount}; returns lost etc. */
  private Map<String, Object> verify(EventLoad load, String base) throws Exception {
    long lost = 0;
    long withoutAck = 0;
    long duplicated = 0;
    for (int u = 0; u < o.users(); u++) {
      int acked = load.countForUser(u, EventLoad.ACKED);
      int failed = load.countForUser(u, EventLoad.FAILED);
      long count = eventCount(base, load.user(u));
      lost += Math.max(0, acked - count);
      withoutAck += Math.max(0, Math.min(count - acked, failed));
      duplicated += Math.max(0, count - acked - failed);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("lost", lost);
    m.put("persisted_without_ack", withoutAck);
    m.put("duplicated", duplicated);
    return m;
  }

  private long eventCount(String base, String userId) throws Exception {
    for (int attempt = 0; attempt < 10; attempt++) {
      HttpResponse<String> r = get(base + "/v1/users/" + userId);
      if (r.statusCode() == 200) {
        return MAPPER.readTree(r.body()).get("eventCount").asLong();
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("user " + userId + " does not answer");
  }

  /**
   * Asks every user's summary on the survivors until each answered 200 once; returns the {@code
   * nanoTime} when the last one did (at most 180 s).
   */
  private long awaitEveryUserAnswers(EventLoad load, List<String> bases, long since)
      throws Exception {
    Set<Integer> pending = ConcurrentHashMap.newKeySet();
    for (int u = 0; u < o.users(); u++) {
      pending.add(u);
    }
    long last = since;
    long deadline = since + Duration.ofSeconds(180).toNanos();
    Semaphore permits = new Semaphore(16);
    while (!pending.isEmpty() && System.nanoTime() < deadline) {
      List<CompletableFuture<Void>> round = new ArrayList<>();
      long[] lastAnswer = {last};
      for (int u : new ArrayList<>(pending)) {
        permits.acquire();
        String url = bases.get(u % bases.size()) + "/v1/users/" + load.user(u);
        round.add(
            http.sendAsync(
                    HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding())
                .handle(
                    (r, e) -> {
                      if (e == null && r.statusCode() == 200) {
                        pending.remove(u);
                        synchronized (lastAnswer) {
                          lastAnswer[0] = Math.max(lastAnswer[0], System.nanoTime());
                        }
                      }
                      permits.release();
                      return null;
                    }));
      }
      CompletableFuture.allOf(round.toArray(CompletableFuture[]::new)).join();
      last = lastAnswer[0];
      if (!pending.isEmpty()) {
        Thread.sleep(200);
      }
    }
    if (!pending.isEmpty()) {
      throw new IllegalStateException(pending.size() + " users still not answering after 180 s");
    }
    return last;
  }

  private double awaitRemoved(ClusterNode observer, String address, long since)
      throws InterruptedException {
    long deadline = since + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode c = observer.clusterOrNull();
      if (c != null) {
        boolean present = false;
        for (JsonNode m : c.get("members")) {
          present |= m.get("address").asText().equals(address);
        }
        if (!present) {
          return (System.nanoTime() - since) / 1e9;
        }
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(address + " still a member 120 s after the kill");
  }

  /** Waits until {@code observer} sees {@code node} Up; returns that {@code nanoTime}. */
  private long awaitUp(ClusterNode observer, ClusterNode node) throws InterruptedException {
    long deadline = System.nanoTime() + NODE_START.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode c = observer.clusterOrNull();
      if (c != null) {
        for (JsonNode m : c.get("members")) {
          if (m.get("address").asText().equals(node.address)
              && m.get("status").asText().equals("Up")) {
            return System.nanoTime();
          }
        }
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("node " + node.index + " not Up in " + NODE_START);
  }

  private void awaitMembers(ClusterNode observer, int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode c = observer.clusterOrNull();
      if (c != null && c.get("members").size() == n) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("cluster did not reach " + n + " members in 60 s");
  }

  /**
   * Polls the nodes' shard counts once a second until they are balanced (max - min <= 2) and
   * unchanged for three polls, at most 120 s; returns the last counts.
   */
  private Map<String, Integer> awaitRebalance(List<ClusterNode> nodes) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    Map<String, Integer> last = Map.of();
    int stable = 0;
    while (System.nanoTime() < deadline) {
      Map<String, Integer> now = shardCounts(nodes);
      int max = now.values().stream().mapToInt(Integer::intValue).max().orElse(0);
      int min = now.values().stream().mapToInt(Integer::intValue).min().orElse(0);
      stable = now.equals(last) ? stable + 1 : 0;
      last = now;
      if (min > 0 && max - min <= 2 && stable >= 2) {
        return now;
      }
      log("  shards " + now);
      Thread.sleep(1_000);
    }
    log("shards not balanced within 120 s: " + last);
    return last;
  }

  private static Map<String, Integer> shardCounts(List<ClusterNode> nodes) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (ClusterNode n : nodes) {
      m.put("node" + n.index, n.shards());
    }
    return m;
  }

  private static Set<String> shardIds(ClusterNode n) {
    Set<String> ids = new HashSet<>();
    JsonNode c = n.clusterOrNull();
    if (c != null) {
      c.get("shardIds").forEach(s -> ids.add(s.asText()));
    }
    return ids;
  }

  /** The shard of a user: Akka's default {@code HashCodeMessageExtractor} with 100 shards. */
  static String shardOf(String userId) {
    return Integer.toString(Math.abs(userId.hashCode() % NUMBER_OF_SHARDS));
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private void log(String message) {
    out.printf(Locale.ROOT, "[%6.1f s] %s%n", (System.nanoTime() - t0) / 1e9, message);
  }

  private static double round(double seconds) {
    return Math.round(seconds * 10) / 10.0;
  }
}
