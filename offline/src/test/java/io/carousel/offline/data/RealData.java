package io.carousel.offline.data;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Test helper: locates the research-only data folder and skips the test when it is absent. */
public final class RealData {
  private static final Map<String, Dataset> CACHE = new ConcurrentHashMap<>();

  private RealData() {}

  /** Returns the data root holding {@code folder}, or skips the calling test. */
  public static Path rootWith(String folder) {
    Optional<Path> root = DataDirs.dataRootForTests();
    assumeTrue(root.isPresent(), "no data root (set CAROUSEL_DATA_DIR); skipping");
    assumeTrue(Files.isDirectory(root.get().resolve(folder)), folder + " absent; skipping");
    return root.get();
  }

  /** Reads (once per JVM) dataset {@code name} whose files live in {@code folder}, or skips. */
  public static Dataset dataset(String name, String folder) {
    Path root = rootWith(folder);
    return CACHE.computeIfAbsent(name, n -> DatasetReader.read(root, n));
  }
}
