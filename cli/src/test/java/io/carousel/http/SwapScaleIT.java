package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.carousel.http.node.CarouselServer;
import io.carousel.http.node.LoadedModel;
import io.carousel.offline.living.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot swap cost at catalogue scale (ADR 0014, measured by hand): {@code -Dcarousel.swap.dataset=
 * tmall-gcegnn} (40,727 items) or {@code movielens-100k} trains one epoch, copies the version as v2
 * and promotes it into the registry while 4 threads GET recommendations; prints the swap's duration
 * and the p99 of GET before and around the swap. Skipped without the property.
 */
class SwapScaleIT {
  @Test
  @Timeout(value = 30, unit = TimeUnit.MINUTES)
  void swapUnderLoad(@TempDir Path dir) throws Exception {
    String dataset = System.getProperty("carousel.swap.dataset");
    Optional<Path> root = io.carousel.offline.data.DataDirs.dataRootForTests();
    Assumptions.assumeTrue(dataset != null && root.isPresent(), "-Dcarousel.swap.dataset not set");
    Path data = dir.resolve("data");
    long t0 = System.nanoTime();
    LiveJournalTrainingTest.Run train =
        LiveJournalTrainingTest.run(
            "train",
            "--data-dir",
            data.toString(),
            "--dataset",
            dataset,
            "--data-root",
            root.get().toString(),
            "--epochs",
            "1");
    assertEquals(0, train.code(), train.err());
    System.out.printf("SWAP-SCALE trained %s in %.1f s%n", dataset, (System.nanoTime() - t0) / 1e9);
    ModelRegistry registry = new ModelRegistry(data);
    Path v1 = registry.folder("v1");
    Config config = LiveCatalogueIT.config(data, "carousel.training.watch-interval = 500ms\n");
    try (LoadedModel loaded = LiveCatalogueIT.load(v1);
        CarouselServer server =
            CarouselServer.start(config, loaded, LiveCatalogueIT.likeEncoder(), null)) {
      String base = LiveCatalogueIT.base(server);
      int items = loaded.view().catalog().size();
      for (int u = 0; u < 8; u++) {
        for (int e = 0; e < 5; e++) {
          String item = loaded.view().catalog().get((u * 997 + e * 31) % items).itemId();
          LiveCatalogueIT.event(base, "load-" + u, item, "click", "l" + u + "-" + e);
        }
      }
      ModelEndpointsTest.Load idle = ModelEndpointsTest.Load.start(base, 4);
      Thread.sleep(10_000);
      idle.stop();

      copy(v1, registry.folder("v2"));
      ModelEndpointsTest.Load during = ModelEndpointsTest.Load.start(base, 4);
      Thread.sleep(2_000);
      registry.promote("v2");
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (!during.versions.contains("v2") && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      Thread.sleep(3_000);
      during.stop();
      String m = LiveCatalogueIT.send("GET", base + "/metrics", null).body();
      double swap = 0;
      for (String line : m.split("\n")) {
        if (line.startsWith("carousel_model_swap_duration_seconds_sum ")) {
          swap = Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
        }
      }
      long switched = during.firstNanos("v2");
      long from = switched - (long) (swap * 1e9) - 500_000_000L;
      long to = switched + 500_000_000L;
      System.out.printf(
          "SWAP-SCALE %s, %d items: swap %.3f s; idle %d requests p50 %.1f ms p99 %.1f ms;"
              + " around the swap (+-0.5 s) %d requests p50 %.1f ms p99 %.1f ms; non-2xx idle %d"
              + " (shed %d), during %d (shed %d) of %d%n",
          dataset,
          items,
          swap,
          idle.count(),
          idle.percentile(0.5),
          idle.percentile(0.99),
          during.countBetween(from, to),
          during.percentileBetween(0.5, from, to),
          during.percentileBetween(0.99, from, to),
          idle.failed.get(),
          idle.shed.get(),
          during.failed.get(),
          during.shed.get(),
          during.count());
      assertEquals(during.shed.get(), during.failed.get(), "only 503 overloaded");
      assertTrue(during.versions.contains("v2"));
      assertTrue(loaded.scorer().isClosed() || awaitClosed(loaded));
    }
  }

  private static boolean awaitClosed(LoadedModel m) throws InterruptedException {
    for (int i = 0; i < 200 && !m.scorer().isClosed(); i++) {
      Thread.sleep(100);
    }
    return m.scorer().isClosed();
  }

  private static void copy(Path from, Path to) throws java.io.IOException {
    try (var s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
