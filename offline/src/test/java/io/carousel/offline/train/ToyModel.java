package io.carousel.offline.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One model trained on {@link CyclicSequences} and exported once per test JVM, shared by the tests
 * that only read it.
 */
public final class ToyModel {
  private static Path dir;

  private ToyModel() {}

  /** Returns the export directory, training on first use (5 epochs, about 2 s). */
  public static synchronized Path dir() {
    if (dir == null) {
      try {
        Path d = Files.createTempDirectory("carousel-toy-model").resolve("model");
        TwoTowerTrainer.trainAndExport(
            CyclicSequences.textVectors(2L),
            CyclicSequences.sequences(200, 20, 1L),
            CyclicSequences.config(5),
            d,
            null);
        dir = d;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dir;
  }

  /** Returns {@code count} seeded probe histories of length 5 that follow the cycle. */
  public static int[][] probes(int count, long seed) {
    int[][] h = new int[count][];
    var seqs = CyclicSequences.sequences(count, 5, seed);
    for (int i = 0; i < count; i++) {
      h[i] = seqs.get(i);
    }
    return h;
  }
}
