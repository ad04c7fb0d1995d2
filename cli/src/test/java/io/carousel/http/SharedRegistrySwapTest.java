package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import io.carousel.http.node.CarouselServer;
import io.carousel.http.node.LoadedModel;
import io.carousel.offline.bench.cluster.SyntheticModel;
import io.carousel.offline.living.ModelRegistry;
import io.carousel.user.ModelHandle;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model bytes to every node (ADR 0014): three servers, each with its own journal, share one
 * registry folder ({@code carousel.training.registry-dir}). A version promoted into it is served by
 * every running node within {@code watch-interval} plus the swap; a node started later loads {@code
 * current}; a rollback on one node moves the others too; a version whose folder fails its checksum
 * is refused by every node (logged, counted) and each keeps serving its version.
 */
class SharedRegistrySwapTest {
  private static final long INTERVAL_MS = 1_000;

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void everyNodeFollowsTheSharedRegistry(@TempDir Path dir) throws Exception {
    Path registryDir = dir.resolve("registry");
    ModelRegistry registry = new ModelRegistry(registryDir);
    Path trained = SyntheticModel.create(Files.createDirectories(dir.resolve("synthetic")));
    addVersion(registry, trained, "v1");
    registry.promote("v1");

    CarouselServer a = start(dir, "a", registryDir, true);
    CarouselServer b = start(dir, "b", registryDir, false);
    CarouselServer c = null;
    try {
      String baseA = LiveCatalogueIT.base(a);
      String baseB = LiveCatalogueIT.base(b);
      assertEquals("v1", version(baseA));
      assertEquals("v1", version(baseB));

      // A new version lands in the registry (as `carousel train` or another node's retrain
      // promotes it): both nodes serve it within the watch interval plus the swap.
      addVersion(registry, registryDir.resolve("models").resolve("v1"), "v2");
      long t0 = System.nanoTime();
      registry.promote("v2");
      double secondsA = awaitVersion(baseA, "v2");
      double secondsB = awaitVersion(baseB, "v2");
      double waited = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          "SHARED-REGISTRY v2 served by node a after %.2f s, node b after %.2f s (interval %d"
              + " ms)%n",
          secondsA, secondsB, INTERVAL_MS);
      assertTrue(waited < INTERVAL_MS / 1e3 + 15, "served within the interval plus the swap");

      // A node started later serves current.
      c = start(dir, "c", registryDir, false);
      String baseC = LiveCatalogueIT.base(c);
      assertEquals("v2", version(baseC));

      // A rollback on node a: a swaps at once, b and c follow the registry.
      HttpResponse<String> back = LiveCatalogueIT.send("POST", baseA + "/v1/model/rollback", null);
      assertEquals(200, back.statusCode(), back.body());
      awaitVersion(baseA, "v1");
      awaitVersion(baseB, "v1");
      awaitVersion(baseC, "v1");

      // A damaged version made current (a torn copy): refused by every node, which keep v1.
      addVersion(registry, registryDir.resolve("models").resolve("v1"), "v3");
      Path pb = registryDir.resolve("models").resolve("v3").resolve("saved_model.pb");
      byte[] bytes = Files.readAllBytes(pb);
      bytes[bytes.length / 2] ^= 1;
      Files.write(pb, bytes);
      Path tmp = registryDir.resolve("models").resolve("current.tmp");
      Files.writeString(tmp, "v3\n");
      Files.move(
          tmp, registryDir.resolve("models").resolve("current"), StandardCopyOption.ATOMIC_MOVE);
      for (String base : new String[] {baseA, baseB, baseC}) {
        awaitMetric(base, "carousel_model_swaps_total{outcome=\"refused\"} 1.0");
        assertEquals("v1", version(base));
      }

      // Champion/challenger (serving half): models/challenger = v2 goes to half the users, the
      // same users on every node; each slate names its model; removing the file drops it.
      Path challenger = registryDir.resolve("models").resolve("challenger");
      Files.writeString(tmp, "v2\n");
      Files.move(tmp, challenger, StandardCopyOption.ATOMIC_MOVE);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      int onV2 = 0;
      while (System.nanoTime() < deadline) {
        onV2 = 0;
        boolean agree = true;
        for (int u = 0; u < 40; u++) {
          String va = version(baseA, "shopper-" + u);
          agree &= va.equals(version(baseB, "shopper-" + u));
          agree &= va.equals(version(baseC, "shopper-" + u));
          agree &= va.equals(ModelHandle.inShare("shopper-" + u, 0.5) ? "v2" : "v1");
          onV2 += va.equals("v2") ? 1 : 0;
        }
        if (agree) {
          break;
        }
        Thread.sleep(200);
      }
      System.out.printf("SHARED-REGISTRY challenger v2: %d of 40 users on every node%n", onV2);
      assertTrue(onV2 > 8 && onV2 < 32, "about half the users on the challenger: " + onV2);
      for (int u = 0; u < 40; u++) {
        String want = ModelHandle.inShare("shopper-" + u, 0.5) ? "v2" : "v1";
        assertEquals(want, version(baseA, "shopper-" + u));
        assertEquals(want, version(baseB, "shopper-" + u));
      }
      Files.delete(challenger);
      for (int u = 0; u < 40; u++) {
        if (ModelHandle.inShare("shopper-" + u, 0.5)) {
          awaitVersion(baseA, "shopper-" + u, "v1");
          awaitVersion(baseB, "shopper-" + u, "v1");
          break;
        }
      }
    } finally {
      if (c != null) {
        c.close();
      }
      b.close();
      a.close();
    }
  }

  /** Copies {@code from} as version {@code name} with its checksums and a promoted decision. */
  private static void addVersion(ModelRegistry registry, Path from, String name)
      throws IOException {
    Path to = registry.folder(name);
    copy(from, to);
    Files.deleteIfExists(to.resolve(ModelRegistry.CHECKSUMS));
    ModelRegistry.writeChecksums(to);
    ObjectNode d = io.carousel.http.Json.MAPPER.createObjectNode();
    d.put("version", name);
    d.put("decision", "promoted");
    registry.record(d);
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static CarouselServer start(Path dir, String name, Path registryDir, boolean trainer)
      throws Exception {
    Config config =
        LiveCatalogueIT.config(
            dir.resolve(name),
            "carousel.training.registry-dir = \""
                + registryDir.toAbsolutePath()
                + "\"\ncarousel.training.watch-interval = "
                + INTERVAL_MS
                + "ms\ncarousel.training.challenger-share = 0.5\n");
    Path current = io.carousel.cli.ServeCommandAccess.promotedVersion(registryDir);
    LoadedModel loaded = LiveCatalogueIT.load(current);
    return CarouselServer.start(
        config,
        loaded,
        LiveCatalogueIT.likeEncoder(),
        trainer
            ? io.carousel.cli.ServeCommandAccess.trainer(dir, dir.resolve(name), null, config)
            : null);
  }

  /** A user the challenger never serves (share 0.5): what the champion serves. */
  private static final String READER = champion();

  private static String champion() {
    for (int u = 0; ; u++) {
      if (!ModelHandle.inShare("reader-" + u, 0.5)) {
        return "reader-" + u;
      }
    }
  }

  private static String version(String base) throws Exception {
    return version(base, READER);
  }

  private static String version(String base, String user) throws Exception {
    return LiveCatalogueIT.slate(base, user, 5).get("modelVersion").asText();
  }

  private static double awaitVersion(String base, String want) throws Exception {
    return awaitVersion(base, READER, want);
  }

  private static double awaitVersion(String base, String user, String want) throws Exception {
    long t0 = System.nanoTime();
    long deadline = t0 + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (want.equals(version(base, user))) {
        return (System.nanoTime() - t0) / 1e9;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(base + " still serves " + version(base, user) + ", not " + want);
  }

  private static void awaitMetric(String base, String line) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String m = "";
    while (System.nanoTime() < deadline) {
      m = LiveCatalogueIT.send("GET", base + "/metrics", null).body();
      if (m.contains(line)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(base + " /metrics lacks " + line + ":\n" + m);
  }
}
