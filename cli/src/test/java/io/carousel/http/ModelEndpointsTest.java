package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import io.carousel.http.node.CarouselServer;
import io.carousel.http.node.LoadedModel;
import io.carousel.offline.data.DataDirs;
import io.carousel.offline.living.ModelRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server half of continuous training on real MovieLens-100k (ADR 0012 §5), through HTTP on a
 * node started as {@code carousel serve} starts it: the registry's current version is served and
 * named in every slate and in {@code carousel_model_version_info}; {@code POST /v1/model/retrain}
 * runs the real retrain (journal by tag on the node's own actor system, the gate, the registry) in
 * the background, a second one while it runs is 409; {@code GET /v1/model} shows the decision with
 * both models' metrics; a restarted node serves the promoted version; a rollback whose target fails
 * its checksums is 409 and changes nothing, a good one makes the earlier version current, and one
 * with no earlier version is 409.
 */
class ModelEndpointsTest {
  @Test
  @Timeout(value = 12, unit = TimeUnit.MINUTES)
  void retrainGateRegistryAndRollbackThroughHttp(@TempDir Path dir) throws Exception {
    Optional<Path> root = DataDirs.dataRootForTests();
    Assumptions.assumeTrue(
        root.isPresent() && Files.isDirectory(root.get().resolve("movielens-100k")),
        "movielens-100k not found; set CAROUSEL_DATA_DIR");
    Path data = dir.resolve("data");
    // v1: trained on the earliest 10 % only (holdout 0.9), so the server's retrain on 90 % is
    // clearly better on the newest 10 % and the gate promotes it (ADR 0012 §3's measured case).
    LiveJournalTrainingTest.Run train =
        LiveJournalTrainingTest.run(
            "train",
            "--data-dir",
            data.toString(),
            "--dataset",
            "movielens-100k",
            "--data-root",
            root.get().toString(),
            "--holdout",
            "0.9",
            "--epochs",
            "1");
    assertEquals(0, train.code(), train.err());
    ModelRegistry registry = new ModelRegistry(data);
    assertEquals(Optional.of("v1"), registry.currentVersion());

    Config config =
        LiveCatalogueIT.config(
            data, "carousel.training.epochs = 1\ncarousel.training.holdout = 0.1\n");
    Path served = io.carousel.cli.ServeCommandAccess.promotedVersion(data);
    assertEquals(registry.folder("v1"), served);
    try (LoadedModel loaded = LiveCatalogueIT.load(served);
        CarouselServer server =
            CarouselServer.start(
                config,
                loaded,
                () -> new io.carousel.engine.text.MiniLmTextEncoder(Runnable::run),
                io.carousel.cli.ServeCommandAccess.trainer(
                    root.get(), data, "movielens-100k", config))) {
      String base = LiveCatalogueIT.base(server);
      // v1's session, and whatever the test JVM holds besides (none once training closed its own).
      int sessions = io.carousel.engine.tower.TwoTowerScorer.openSessions();
      for (int i = 0; i < 20; i++) {
        LiveCatalogueIT.event(base, "swap-user", String.valueOf(1 + i), "click", "e" + i);
      }
      JsonNode slate = LiveCatalogueIT.slate(base, "swap-user", 5);
      assertEquals("v1", slate.get("modelVersion").asText(), slate.toString());
      assertTrue(metrics(base).contains("carousel_model_version_info{version=\"v1\"} 1"));

      // Only v1 was ever promoted: nothing to roll back to.
      HttpResponse<String> none = LiveCatalogueIT.send("POST", base + "/v1/model/rollback", null);
      assertEquals(409, none.statusCode(), none.body());
      assertTrue(none.body().contains("no promoted version before v1"), none.body());

      for (int u = 0; u < 8; u++) {
        LiveCatalogueIT.event(base, "load-" + u, String.valueOf(50 + u), "click", "l" + u);
      }
      // Serving's latency idle, then while the retrain trains (issue 16 §2: "measured p99 during
      // training against idle in one run"); every request must be 2xx in both.
      Load idle = Load.start(base, 4);
      Thread.sleep(8_000);
      idle.stop();

      long t0 = System.nanoTime();
      Load during = Load.start(base, 4);
      HttpResponse<String> started = LiveCatalogueIT.send("POST", base + "/v1/model/retrain", null);
      assertEquals(202, started.statusCode(), started.body());
      String id = LiveCatalogueIT.json(started).get("retrainId").asText();
      HttpResponse<String> busy = LiveCatalogueIT.send("POST", base + "/v1/model/retrain", null);
      assertEquals(409, busy.statusCode(), busy.body());
      assertTrue(busy.headers().firstValue("Content-Type").orElse("").contains("problem+json"));
      assertTrue(busy.body().contains(id), busy.body());

      JsonNode model = awaitRetrain(base);
      double seconds = (System.nanoTime() - t0) / 1e9;
      during.stop();
      System.out.printf(
          "MODEL-LOAD idle: %d requests, %d non-2xx, p50 %.1f ms, p99 %.1f ms; during the"
              + " retrain: %d requests, %d non-2xx (503 overloaded: %d), p50 %.1f ms, p99 %.1f ms;"
              + " retrain %.1f s, training threads %s, load average %s%n",
          idle.count(),
          idle.failed.get(),
          idle.percentile(0.50),
          idle.percentile(0.99),
          during.count(),
          during.failed.get(),
          during.shed.get(),
          during.percentile(0.50),
          during.percentile(0.99),
          seconds,
          model.path("lastDecision").path("trainingThreads"),
          loadAverage());
      // On a box shared with other builds the scoring queue sheds a few requests even idle (503
      // overloaded + Retry-After, the documented answer past capacity); anything else is a fault.
      assertEquals(idle.shed.get(), idle.failed.get(), "only 503 overloaded idle");
      // Serving goes on while it trains, from the version it loaded; the training session has
      // its own inter-op pool (carousel.training.threads) but shares the intra-op pool (ADR 0012
      // §5b), so more may be shed.
      assertEquals(during.shed.get(), during.failed.get(), "only 503 overloaded during training");
      assertTrue(during.count() > during.failed.get(), "most requests answered while training");
      // Hot swap (ADR 0014): the promotion swapped the node to v2 in place, under load. Each load
      // thread saw v1, then v2, never back: a request reads one snapshot, and after the switch
      // every new one reads the new.
      assertEquals(java.util.Set.of("v1", "v2"), during.versions, "slates during training");
      for (java.util.List<String> seq : during.sequences.values()) {
        assertTrue(
            java.util.List.of("v1", "v2").equals(seq)
                || java.util.List.of("v1").equals(seq)
                || java.util.List.of("v2").equals(seq),
            "a load thread's versions in order: " + seq);
      }
      String m = metrics(base);
      assertTrue(m.contains("carousel_model_version_info{version=\"v2\"} 1"), m);
      assertFalse(m.contains("carousel_model_version_info{version=\"v1\"}"), m);
      assertTrue(m.contains("carousel_model_swaps_total{outcome=\"swapped\"} 1.0"), m);
      double swapSeconds = metricValue(m, "carousel_model_swap_duration_seconds_sum");
      // v1's scorer: closed once its last request was done (the load has stopped), no session
      // leaked (v2's replaced v1's).
      long closeDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!loaded.scorer().isClosed() && System.nanoTime() < closeDeadline) {
        Thread.sleep(100);
      }
      assertTrue(loaded.scorer().isClosed(), "v1's scorer closed after the swap");
      assertEquals(sessions, io.carousel.engine.tower.TwoTowerScorer.openSessions());
      long switched = during.firstNanos("v2");
      long window = (long) (swapSeconds * 1e9) + 500_000_000L;
      System.out.printf(
          "MODEL-SWAP v1 -> v2 in %.3f s under 4 load threads: %d requests within the swap"
              + " (+-0.5 s), p50 %.1f ms, p99 %.1f ms (idle p99 %.1f ms); shed %d of %d during"
              + " the retrain and swap%n",
          swapSeconds,
          during.countBetween(switched - window, switched + 500_000_000L),
          during.percentileBetween(0.50, switched - window, switched + 500_000_000L),
          during.percentileBetween(0.99, switched - window, switched + 500_000_000L),
          idle.percentile(0.99),
          during.shed.get(),
          during.count());
      JsonNode last = model.get("lastDecision");
      assertEquals("finished", model.at("/retrain/state").asText(), model.toString());
      assertEquals("v2", last.get("version").asText());
      assertEquals("promoted", last.get("decision").asText(), last.toString());
      // The dataset's 90 % oldest events (the API's events are the newest: held out).
      int trained = last.at("/trainedOn/interactions").asInt();
      assertTrue(trained > 85_000 && trained < 95_000, last.toString());
      assertTrue(
          last.at("/metrics/candidate/ndcgAt10").asDouble()
              > last.at("/metrics/serving/ndcgAt10").asDouble(),
          last.toString());
      assertEquals("v2", model.get("servingVersion").asText());
      assertEquals("v2", model.get("currentVersion").asText());
      assertFalse(model.get("restartRequired").asBoolean());
      assertFalse(model.get("swapping").asBoolean());
      assertEquals("v2", LiveCatalogueIT.slate(base, "swap-user", 5).get("modelVersion").asText());
      assertEquals(2, model.get("history").size());
      assertTrue(metrics(base).contains("carousel_model_retrains_total{outcome=\"promoted\"} 1.0"));
      System.out.printf(
          "MODEL-RETRAIN v2 %s in %.1f s: NDCG@10 %.4f vs %.4f, Δ %s%n",
          last.get("decision").asText(),
          seconds,
          last.at("/metrics/candidate/ndcgAt10").asDouble(),
          last.at("/metrics/serving/ndcgAt10").asDouble(),
          last.get("difference"));
    }

    // A restarted node serves the promoted version.
    Path v2 = io.carousel.cli.ServeCommandAccess.promotedVersion(data);
    assertEquals(registry.folder("v2"), v2);
    try (LoadedModel loaded = LiveCatalogueIT.load(v2);
        CarouselServer server =
            CarouselServer.start(
                config,
                loaded,
                () -> new io.carousel.engine.text.MiniLmTextEncoder(Runnable::run),
                io.carousel.cli.ServeCommandAccess.trainer(
                    root.get(), data, "no-such-dataset", config))) {
      String base = LiveCatalogueIT.base(server);
      assertEquals("v2", LiveCatalogueIT.slate(base, "swap-user", 5).get("modelVersion").asText());
      JsonNode model = LiveCatalogueIT.json(LiveCatalogueIT.send("GET", base + "/v1/model", null));
      assertEquals("v2", model.get("servingVersion").asText());
      assertFalse(model.get("restartRequired").asBoolean());
      assertTrue(model.at("/trainedOn/interactions").asInt() > 80_000, model.toString());

      HttpResponse<String> failing = LiveCatalogueIT.send("POST", base + "/v1/model/retrain", null);
      assertEquals(202, failing.statusCode(), failing.body());
      JsonNode failed = awaitRetrain(base);
      assertEquals("failed", failed.at("/retrain/state").asText(), failed.toString());
      assertTrue(
          failed.at("/retrain/error").asText().contains("no-such-dataset"), failed.toString());
      assertEquals("failed", failed.at("/lastDecision/decision").asText(), failed.toString());
      assertEquals("v2", failed.get("currentVersion").asText());
      assertFalse(failed.get("restartRequired").asBoolean());
      assertEquals("v2", LiveCatalogueIT.slate(base, "swap-user", 5).get("modelVersion").asText());
      assertTrue(metrics(base).contains("carousel_model_retrains_total{outcome=\"failed\"} 1.0"));

      // v1's folder damaged: the rollback is refused and v2 stays current.
      Path pb = registry.folder("v1").resolve("saved_model.pb");
      byte[] good = Files.readAllBytes(pb);
      byte[] bad = good.clone();
      bad[bad.length / 2] ^= 1;
      Files.write(pb, bad);
      HttpResponse<String> damaged =
          LiveCatalogueIT.send("POST", base + "/v1/model/rollback", null);
      assertEquals(409, damaged.statusCode(), damaged.body());
      assertTrue(damaged.body().contains("fails its checksum"), damaged.body());
      assertEquals(Optional.of("v2"), registry.currentVersion());

      Files.write(pb, good);
      HttpResponse<String> back = LiveCatalogueIT.send("POST", base + "/v1/model/rollback", null);
      assertEquals(200, back.statusCode(), back.body());
      assertEquals("rolled-back", LiveCatalogueIT.json(back).get("decision").asText());
      assertEquals(Optional.of("v1"), registry.currentVersion());
      // The rollback swaps the node back to v1 in place (on the retrain thread).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      JsonNode after = null;
      while (System.nanoTime() < deadline) {
        after = LiveCatalogueIT.json(LiveCatalogueIT.send("GET", base + "/v1/model", null));
        if ("v1".equals(after.get("servingVersion").asText())) {
          break;
        }
        Thread.sleep(200);
      }
      assertEquals("v1", after.get("servingVersion").asText(), after.toString());
      assertEquals("v1", LiveCatalogueIT.slate(base, "swap-user", 5).get("modelVersion").asText());
      assertTrue(loaded.scorer().isClosed() || awaitClosed(loaded), "v2's scorer closed");
      HttpResponse<String> again = LiveCatalogueIT.send("POST", base + "/v1/model/rollback", null);
      assertEquals(409, again.statusCode(), again.body());
    }
  }

  /** {@code threads} loops of GET recommendations over eight known users, timed per request. */
  static final class Load {
    final java.util.concurrent.atomic.AtomicBoolean running =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    final java.util.concurrent.atomic.AtomicInteger failed =
        new java.util.concurrent.atomic.AtomicInteger();
    final java.util.List<Long> nanos =
        java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    final java.util.concurrent.atomic.AtomicInteger shed =
        new java.util.concurrent.atomic.AtomicInteger();
    final java.util.Set<String> versions = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Per load thread, the versions its slates named, consecutive repeats dropped. */
    final java.util.Map<Integer, java.util.List<String>> sequences =
        new java.util.concurrent.ConcurrentHashMap<>();

    /** Start time (System.nanoTime) of each request, same order as {@link #nanos}. */
    final java.util.List<long[]> timed =
        java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    final java.util.List<Thread> threads = new java.util.ArrayList<>();

    static Load start(String base, int n) {
      Load l = new Load();
      for (int t = 0; t < n; t++) {
        int id = t;
        Thread th =
            new Thread(
                () -> {
                  int i = id;
                  while (l.running.get()) {
                    long s0 = System.nanoTime();
                    try {
                      HttpResponse<String> r =
                          LiveCatalogueIT.send(
                              "GET",
                              base + "/v1/users/load-" + (i++ % 8) + "/recommendations?k=10",
                              null);
                      if (r.statusCode() / 100 != 2) {
                        l.failed.incrementAndGet();
                        if (r.statusCode() == 503 && r.body().contains("overloaded")) {
                          l.shed.incrementAndGet();
                        }
                      } else {
                        String v = LiveCatalogueIT.json(r).get("modelVersion").asText();
                        l.versions.add(v);
                        java.util.List<String> seq =
                            l.sequences.computeIfAbsent(id, k -> new java.util.ArrayList<>());
                        if (seq.isEmpty() || !seq.get(seq.size() - 1).equals(v)) {
                          seq.add(v);
                          if (v.equals("v2")) {
                            l.firstV2.accumulateAndGet(s0, Math::min);
                          }
                        }
                      }
                    } catch (Exception e) {
                      l.failed.incrementAndGet();
                    }
                    l.nanos.add(System.nanoTime() - s0);
                    l.timed.add(new long[] {s0, System.nanoTime() - s0});
                  }
                },
                "load-" + t);
        th.start();
        l.threads.add(th);
      }
      return l;
    }

    void stop() throws InterruptedException {
      running.set(false);
      for (Thread t : threads) {
        t.join(30_000);
      }
    }

    final java.util.concurrent.atomic.AtomicLong firstV2 =
        new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);

    int count() {
      return nanos.size();
    }

    /** Start of the first request answered by {@code version} (v2 only). */
    long firstNanos(String version) {
      return firstV2.get();
    }

    int countBetween(long from, long to) {
      synchronized (timed) {
        return (int) timed.stream().filter(t -> t[0] >= from && t[0] <= to).count();
      }
    }

    double percentileBetween(double q, long from, long to) {
      long[] sorted;
      synchronized (timed) {
        sorted =
            timed.stream()
                .filter(t -> t[0] >= from && t[0] <= to)
                .mapToLong(t -> t[1])
                .sorted()
                .toArray();
      }
      return sorted.length == 0
          ? Double.NaN
          : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e6;
    }

    double percentile(double q) {
      long[] sorted;
      synchronized (nanos) {
        sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
      }
      return sorted.length == 0
          ? Double.NaN
          : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e6;
    }
  }

  private static double metricValue(String metrics, String name) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    throw new AssertionError(name + " not in /metrics");
  }

  private static boolean awaitClosed(LoadedModel model) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!model.scorer().isClosed() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    return model.scorer().isClosed();
  }

  private static String metrics(String base) throws Exception {
    return LiveCatalogueIT.send("GET", base + "/metrics", null).body();
  }

  private static JsonNode awaitRetrain(String base) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
    while (System.nanoTime() < deadline) {
      JsonNode m = LiveCatalogueIT.json(LiveCatalogueIT.send("GET", base + "/v1/model", null));
      if (!"running".equals(m.at("/retrain/state").asText())) {
        return m;
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("retrain still running after 8 minutes");
  }

  /** The box's 1-minute load average (Linux), to read latency figures against. */
  private static String loadAverage() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
    } catch (java.io.IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
