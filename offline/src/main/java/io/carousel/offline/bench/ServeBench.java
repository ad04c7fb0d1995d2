package io.carousel.offline.bench;

import io.carousel.offline.data.Dataset;
import io.carousel.offline.data.DatasetReader;
import io.carousel.offline.data.Interaction;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongFunction;
import java.util.stream.Collectors;

/**
 * {@code carousel bench serve}: the serving benchmark. Starts a {@code serve} child trained on a
 * real log (or targets {@code url}), warms users by POSTing their real histories from that log
 * through the API, then drives the HTTP API: a closed loop with c connections and open loops at
 * fixed offered rates (coordinated-omission corrected, {@link LatencyRecorder}) for {@code
 * /health/alive} (the floor, same server, same run), GET recommendations, POST events and a mix (2
 * GET : 1 POST), with WebSocket freshness probed during each open-loop mix.
 *
 * <p>With {@code catalogueItems} above the dataset's catalogue, the started server extends it with
 * synthetic items ({@code serve --catalogue-items}, {@link
 * io.carousel.engine.retrieval.CatalogueExtension}).
 */
public final class ServeBench {
  /** What to run. */
  public record Options(
      URI url,
      Path dataDir,
      Path dataRoot,
      String dataset,
      List<String> serveArgs,
      List<String> jvmArgs,
      int catalogueItems,
      int users,
      int historyCap,
      int connections,
      List<Double> rates,
      double seconds,
      double warmupSeconds,
      int probeUsers,
      long probePeriodMs,
      List<String> kinds) {}

  private static final int BATCH_LINES = 300;

  private ServeBench() {}

  /** Runs the benchmark; returns the report (phases, freshness, setup figures). */
  public static Map<String, Object> run(Options o) throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    String run = "serve-" + UUID.randomUUID().toString().substring(0, 8);
    out.put("run", run);
    out.put("dataset", o.dataset());
    out.put("cores", Runtime.getRuntime().availableProcessors());
    Dataset d = DatasetReader.read(o.dataRoot(), o.dataset());
    out.put("trained_catalogue_items", d.catalog().size());
    out.put(
        "catalogue_items",
        o.catalogueItems() > d.catalog().size() ? o.catalogueItems() : d.catalog().size());
    out.put(
        "catalogue_extension",
        o.catalogueItems() > d.catalog().size()
            ? "synthetic items drawn from the trained item vectors: a random trained item's vector"
                + " + Gaussian noise of 0.5 x each dimension's std, L2-normalised, in its"
                + " category, popularity 0, no wide term (CatalogueExtension)"
            : "none: the dataset's own catalogue");
    out.put("log_interactions", d.interactions().size());
    if (o.url() != null) {
      out.put("server", o.url().toString());
      measure(o.url(), () -> -1L, d, o, run, out);
      return out;
    }
    Files.createDirectories(o.dataDir());
    Path log = o.dataDir().resolve("serve-bench-server.log");
    out.put("server_log", log.toString());
    try (ChildServer server =
        ChildServer.start(o.dataDir(), o.serveArgs(), o.jvmArgs(), log, Duration.ofMinutes(10))) {
      out.put("server", server.base().toString());
      measure(server.base(), server::cpuNanos, d, o, run, out);
    }
    return out;
  }

  private static void measure(
      URI base,
      java.util.function.LongSupplier serverCpu,
      Dataset d,
      Options o,
      String run,
      Map<String, Object> out)
      throws Exception {
    LoadDriver driver = new LoadDriver();
    try {
      List<String> users = warm(driver, base, d, o, run, out);
      int probes = Math.min(o.probeUsers(), Math.max(0, users.size() - 1));
      List<String> probeUsers = users.subList(0, probes);
      List<String> loadUsers = users.subList(probes, users.size());
      List<String> items = d.catalog().items().stream().map(i -> i.itemId()).toList();
      LongFunction<HttpRequest> health = n -> LoadDriver.get(base, "/health/alive");
      LongFunction<HttpRequest> get =
          n ->
              LoadDriver.get(
                  base, "/v1/users/" + ServerHttp.enc(pick(loadUsers)) + "/recommendations?k=10");
      LongFunction<HttpRequest> post =
          n -> LoadDriver.postEvent(base, event(run + "-l", pick(loadUsers), pick(items), n));
      LongFunction<HttpRequest> mix = n -> n % 3 == 2 ? post.apply(n) : get.apply(n);
      Map<String, LongFunction<HttpRequest>> kinds = new LinkedHashMap<>();
      kinds.put("health", health);
      kinds.put("get", get);
      kinds.put("post", post);
      kinds.put("mix", mix);
      kinds.keySet().retainAll(o.kinds());
      Cpu cpu = new Cpu(serverCpu);
      // Unmeasured: JIT, connection pools and caches on both sides.
      driver.closed("warmup", mix, o.connections(), o.warmupSeconds());
      List<LoadDriver.Result> phases = new ArrayList<>();
      for (var k : kinds.entrySet()) {
        cpu.start(k.getKey() + " closed");
        phases.add(
            report(
                cpu.stop(driver.closed(k.getKey(), k.getValue(), o.connections(), o.seconds()))));
      }
      List<Map<String, Object>> freshness = new ArrayList<>();
      try (FreshnessProbe probe = new FreshnessProbe(driver.http(), base, probeUsers)) {
        if (probes > 0) {
          probe.open();
        }
        for (double rate : o.rates()) {
          for (var k : kinds.entrySet()) {
            if (k.getKey().equals("mix") && probes > 0) {
              cpu.start("mix open " + rate);
              Map<String, Object> f =
                  mixWithProbe(driver, probe, k.getValue(), rate, o, run, items, cpu);
              phases.add((LoadDriver.Result) f.remove("phase"));
              freshness.add(f);
            } else {
              cpu.start(k.getKey() + " open " + rate);
              phases.add(
                  report(cpu.stop(driver.open(k.getKey(), k.getValue(), rate, o.seconds()))));
            }
          }
        }
        out.put("phases", phases);
      }
      out.put("freshness", freshness);
    } finally {
      driver.close();
    }
  }

  private static Map<String, Object> mixWithProbe(
      LoadDriver driver,
      FreshnessProbe probe,
      LongFunction<HttpRequest> mix,
      double rate,
      Options o,
      String run,
      List<String> items,
      Cpu cpu)
      throws Exception {
    LatencyRecorder fresh = new LatencyRecorder();
    long end = System.nanoTime() + (long) (o.seconds() * 1e9);
    long[] counts = new long[2];
    Thread t =
        new Thread(
            () -> {
              try {
                long[] c =
                    probe.run(
                        fresh,
                        end,
                        o.probePeriodMs(),
                        2_000,
                        (u, n) -> event(run + "-f", u, pick(items), n));
                counts[0] = c[0];
                counts[1] = c[1];
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "freshness-probe");
    t.start();
    LoadDriver.Result r = driver.open("mix", mix, rate, o.seconds());
    t.join();
    r = cpu.stop(r);
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("offered_per_second", rate);
    f.put("probes", counts[0]);
    f.put("missed_within_2s", counts[1]);
    f.put("p50_ms", fresh.correctedMs(50));
    f.put("p99_ms", fresh.correctedMs(99));
    f.put("max_ms", fresh.correctedMs(100));
    System.out.printf(
        "freshness (POST -> WebSocket slate) under mix at %.0f/s: %d probes, %d missed,"
            + " p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        rate,
        counts[0],
        counts[1],
        fresh.correctedMs(50),
        fresh.correctedMs(99),
        fresh.correctedMs(100));
    report(r);
    f.put("phase", r);
    return f;
  }

  /**
   * POSTs the real histories of the most active users of the log (at most {@code historyCap} events
   * each, their own items and timestamps) as NDJSON batches; returns the warmed users.
   */
  private static List<String> warm(
      LoadDriver driver, URI base, Dataset d, Options o, String run, Map<String, Object> out)
      throws Exception {
    Map<String, List<Interaction>> byUser =
        d.interactions().stream()
            .collect(
                Collectors.groupingBy(
                    Interaction::userId, LinkedHashMap::new, Collectors.toList()));
    List<String> users =
        byUser.entrySet().stream()
            .sorted(
                Comparator.comparingInt(
                    (Map.Entry<String, List<Interaction>> e) -> -e.getValue().size()))
            .limit(o.users())
            .map(Map.Entry::getKey)
            .toList();
    StringBuilder body = new StringBuilder();
    int lines = 0;
    long events = 0;
    long failedBatches = 0;
    long t0 = System.nanoTime();
    for (String u : users) {
      List<Interaction> h = byUser.get(u);
      for (Interaction i : h.subList(Math.max(0, h.size() - o.historyCap()), h.size())) {
        body.append(
                String.format(
                    "{\"eventId\":\"%s\",\"userId\":\"%s\",\"itemId\":\"%s\",\"type\":\"%s\","
                        + "\"timestamp\":%d}",
                    run + "-w" + events,
                    jsonText(u),
                    jsonText(i.itemId()),
                    i.type().wireName(),
                    i.timestampMs()))
            .append('\n');
        events++;
        if (++lines == BATCH_LINES) {
          failedBatches += postNdjson(driver, base, body) ? 0 : 1;
          body.setLength(0);
          lines = 0;
        }
      }
    }
    if (lines > 0) {
      failedBatches += postNdjson(driver, base, body) ? 0 : 1;
    }
    double took = (System.nanoTime() - t0) / 1e9;
    out.put("warm_users", users.size());
    out.put("warm_events", events);
    out.put("warm_failed_batches", failedBatches);
    out.put("warm_events_per_second", events / took);
    System.out.printf(
        "warmed %d users with %d real events (%d failed batches) in %.1f s: %.0f events/s%n",
        users.size(), events, failedBatches, took, events / took);
    return users;
  }

  private static boolean postNdjson(LoadDriver driver, URI base, StringBuilder body)
      throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(base.resolve("/v1/events"))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/x-ndjson")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build();
    return driver.http().send(req, HttpResponse.BodyHandlers.discarding()).statusCode() / 100 == 2;
  }

  private static String event(String prefix, String user, String item, long n) {
    return String.format(
        "{\"eventId\":\"%s\",\"userId\":\"%s\",\"itemId\":\"%s\",\"type\":\"click\","
            + "\"timestamp\":\"%s\"}",
        prefix + "-" + n + "-" + ThreadLocalRandom.current().nextInt(1 << 30),
        jsonText(user),
        jsonText(item),
        Instant.now());
  }

  /** Escapes quotes and backslashes (ids from a real log may hold either). */
  private static String jsonText(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private static String pick(List<String> xs) {
    return xs.get(ThreadLocalRandom.current().nextInt(xs.size()));
  }

  /**
   * The started server's CPU time over each phase, per answered request (all of the server's
   * threads: HTTP, actors, scoring, journal, GC and JIT), and the phase's wall-clock start and end
   * (for cutting a JFR recording).
   */
  private static final class Cpu {
    private final java.util.function.LongSupplier nanos;
    private long startNanos;

    Cpu(java.util.function.LongSupplier nanos) {
      this.nanos = nanos;
    }

    void start(String phase) {
      System.out.printf("phase %s starts %s%n", phase, java.time.LocalTime.now());
      startNanos = nanos.getAsLong();
    }

    LoadDriver.Result stop(LoadDriver.Result r) {
      long end = nanos.getAsLong();
      System.out.printf("phase ends %s%n", java.time.LocalTime.now());
      long answered = r.ok() + r.errors();
      return startNanos < 0 || end < 0 || answered == 0
          ? r
          : r.withServerCpu((end - startNanos) / 1e6 / answered);
    }
  }

  private static LoadDriver.Result report(LoadDriver.Result r) {
    System.out.println(ServeReport.row(r));
    System.out.flush();
    return r;
  }
}
