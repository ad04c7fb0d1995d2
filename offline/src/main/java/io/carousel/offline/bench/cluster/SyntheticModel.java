package io.carousel.offline.bench.cluster;

import io.carousel.engine.Item;
import io.carousel.engine.model.ModelFolder;
import io.carousel.engine.model.ModelMeta;
import io.carousel.offline.train.TwoTowerConfig;
import io.carousel.offline.train.TwoTowerTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A small real two-tower SavedModel for tests that start {@code carousel serve --model DIR} without
 * any dataset: {@link #ITEMS} items {@code item-0..}, trained in TensorFlow for one epoch on seeded
 * synthetic sessions (random 8-dimensional "text" vectors). The model quality is irrelevant; the
 * serving path is real.
 *
 * <p>Training runs in a child JVM, retried up to three times: TensorFlow's gradient builder on this
 * engine version can crash natively (SIGSEGV in AddSymbolicGradients, fixed on the model branch),
 * which would otherwise take the whole test JVM down.
 */
public final class SyntheticModel {
  public static final int ITEMS = 40;

  private SyntheticModel() {}

  /**
   * Trains and exports the model with its {@code model-meta.json} under {@code dir/synthetic} in a
   * child JVM (up to three attempts, 120 s each).
   *
   * @return the model directory
   * @throws IllegalStateException with the child's output when every attempt failed
   */
  public static Path create(Path dir) throws Exception {
    Path modelDir = dir.resolve("synthetic");
    String output = "";
    for (int attempt = 1; attempt <= 3; attempt++) {
      deleteRecursively(modelDir);
      Path log = dir.resolve("train-" + attempt + ".log");
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-XX:ErrorFile=" + dir.resolve("hs_err_%p.log"),
                  "-cp",
                  System.getProperty("java.class.path"),
                  SyntheticModel.class.getName(),
                  modelDir.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      boolean done = p.waitFor(120, TimeUnit.SECONDS);
      if (!done) {
        p.destroyForcibly().waitFor();
      }
      if (done && p.exitValue() == 0 && Files.isRegularFile(modelDir.resolve(ModelFolder.META))) {
        return modelDir;
      }
      output = Files.readString(log);
    }
    throw new IllegalStateException("could not train the synthetic model:\n" + output);
  }

  /** Trains into {@code args[0]}; the entry point of the training child JVM. */
  public static void main(String[] args) {
    train(Path.of(args[0]));
  }

  /**
   * Returns the "text" vectors the model is trained with ({@code float[ITEMS][8]}, the same on
   * every call): a test's text encoder can give a live item the text of a trained one.
   */
  public static float[][] textVectors() {
    Random rng = new Random(42);
    sessions(rng);
    return text(rng);
  }

  private static List<int[]> sessions(Random rng) {
    List<int[]> sessions = new ArrayList<>();
    for (int u = 0; u < 200; u++) {
      int[] s = new int[8];
      int start = rng.nextInt(ITEMS);
      for (int j = 0; j < s.length; j++) {
        s[j] = (start + j * (1 + u % 3)) % ITEMS;
      }
      sessions.add(s);
    }
    return sessions;
  }

  private static float[][] text(Random rng) {
    float[][] text = new float[ITEMS][8];
    for (float[] t : text) {
      for (int j = 0; j < t.length; j++) {
        t[j] = (float) rng.nextGaussian();
      }
    }
    return text;
  }

  private static void train(Path modelDir) {
    Random rng = new Random(42);
    List<int[]> sessions = sessions(rng);
    float[][] text = text(rng);
    TwoTowerConfig config = new TwoTowerConfig(16, 10, 1, 64, 0.01, 42L, true);
    TwoTowerTrainer.trainAndExport(text, sessions, config, modelDir, null);
    List<Item> items = new ArrayList<>();
    long[] counts = new long[ITEMS];
    for (int i = 0; i < ITEMS; i++) {
      items.add(new Item("item-" + i, "item " + i, "c" + (i % 3)));
      counts[i] = 1 + i % 5;
    }
    ModelFolder.at(modelDir)
        .writeMeta(new ModelMeta("synthetic", sessions.size() * 7, items, counts));
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (Files.exists(p)) {
      try (Stream<Path> all = Files.walk(p)) {
        for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(f);
        }
      }
    }
  }
}
