package io.carousel.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.carousel.engine.retrieval.TopN;
import io.carousel.engine.tower.TwoTowerScorer;
import io.carousel.engine.wide.CoVisitation;
import io.carousel.engine.wide.WideWeights;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model folder written by the code before {@link ModelFolder} existed (main at a2974e9, see
 * {@code MakeFixture.java.txt} in the fixture folder: a one-epoch toy model of 60 items, with its
 * wide files and the top-5 items its scorer returned) is read and served unchanged, so no model
 * needs retraining; and ModelFolder writes the side files byte for byte as that code did.
 */
class ModelFolderFixtureTest {
  private static final String FIXTURE = "/model-folder-a2974e9";

  @Test
  void readsEverySideFileOfAFolderWrittenBeforeModelFolder(@TempDir Path tmp) throws Exception {
    ModelFolder folder = ModelFolder.at(copyFixture(tmp));

    assertEquals(new ModelFolder.Sizes(1, 60, 32, 10, true), folder.sizes());
    ModelMeta meta = folder.meta();
    assertEquals("fixture", meta.dataset());
    assertEquals(4000, meta.trainInteractions());
    assertEquals(60, meta.items().size());
    assertEquals("item-7", meta.items().get(7).itemId());
    assertEquals("cat-1", meta.catalog().items().get(7).category());
    assertEquals(4000, Arrays.stream(meta.trainCounts()).sum());
    CoVisitation co = folder.coVisitation();
    assertEquals(60, co.numItems());
    assertEquals(5, co.maxNeighbours());
    assertEquals(WideWeights.of(1.5f, 4f, "fixture"), folder.wideWeights());
    ModelFolder.Wide wide = folder.wide(60);
    assertNotNull(wide);
    assertEquals(wide.coVisitation().storedNeighbours(), co.storedNeighbours());
    assertNull(folder.wideProblem());
  }

  @Test
  void servesTheSameTopItemsAsTheCodeThatWroteIt(@TempDir Path tmp) throws Exception {
    Path dir = copyFixture(tmp);
    List<String> expected = Files.readAllLines(dir.resolve("expected-top5.txt"));
    int[][] probes = {
      {}, {0}, {3, 4, 5}, {10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21}, {59, 0, 1}
    };
    try (TwoTowerScorer scorer = TwoTowerScorer.load(dir)) {
      int[] k = new int[probes.length];
      Arrays.fill(k, 5);
      TopN[] top = scorer.topN(probes, k, null);
      for (int p = 0; p < probes.length; p++) {
        String[] cells = expected.get(p).split(" -> ")[1].split(" ");
        int[] items = new int[cells.length];
        float[] scores = new float[cells.length];
        for (int j = 0; j < cells.length; j++) {
          items[j] = Integer.parseInt(cells[j].split(":")[0]);
          scores[j] = Float.parseFloat(cells[j].split(":")[1]);
        }
        assertArrayEquals(items, top[p].items(), expected.get(p));
        assertArrayEquals(scores, top[p].scores(), 1e-4f, expected.get(p));
      }
      float logitScale = Float.parseFloat(expected.get(probes.length).split(" ")[1]);
      assertEquals(logitScale, scorer.logitScale(), 1e-5f);
    }
  }

  /**
   * The model retrieving through an inverted file: probing every list it serves the exact scorer's
   * items and scores, wide terms included (their tower logits come from the index's capture path);
   * probing one list of eight, every returned score is still the item's true score.
   */
  @Test
  void anIvfIndexProbingEveryListServesTheExactTopItems(@TempDir Path tmp) throws Exception {
    Path dir = copyFixture(tmp);
    int[][] probes = {{}, {0}, {3, 4, 5}, {10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21}};
    int[] k = new int[probes.length];
    Arrays.fill(k, 10);
    java.util.function.IntPredicate[] exclude = new java.util.function.IntPredicate[probes.length];
    exclude[2] = i -> i % 3 == 0;
    try (TwoTowerScorer exact = TwoTowerScorer.load(dir)) {
      TopN[] want = exact.topN(probes, k, exclude);
      float[][] all = exact.ranking().scoreAll(exact.sessionVectors(probes), probes);
      TwoTowerScorer full = exact.withIvf(8, 8, 1);
      assertEquals("ivf(lists=8, probe=8)", full.ranking().retrieval().describe());
      TopN[] got = full.topN(probes, k, exclude);
      for (int p = 0; p < probes.length; p++) {
        assertArrayEquals(want[p].items(), got[p].items(), "history " + p);
        assertArrayEquals(want[p].scores(), got[p].scores(), 0f, "history " + p);
      }
      TopN[] one = exact.withIvf(8, 1, 1).topN(probes, k, exclude);
      for (int p = 0; p < probes.length; p++) {
        for (int j = 0; j < one[p].items().length; j++) {
          assertEquals(all[p][one[p].items()[j]], one[p].scores()[j], 0f, "a true score");
        }
      }
    }
  }

  @Test
  void writesTheSideFilesByteForByteAsBefore(@TempDir Path tmp) throws Exception {
    Path old = copyFixture(tmp.resolve("old"));
    ModelFolder read = ModelFolder.at(old);
    ModelFolder written = ModelFolder.at(Files.createDirectories(tmp.resolve("new")));
    written.writeSizes(read.sizes());
    written.writeMeta(read.meta());
    written.writeWide(read.coVisitation(), read.wideWeights());
    for (String file :
        List.of(
            ModelFolder.SIZES,
            ModelFolder.META,
            ModelFolder.CO_VISITATION,
            ModelFolder.WIDE_WEIGHTS)) {
      assertArrayEquals(
          Files.readAllBytes(old.resolve(file)), Files.readAllBytes(written.file(file)), file);
    }
  }

  private static Path copyFixture(Path to) throws IOException, URISyntaxException {
    Path from = Path.of(ModelFolderFixtureTest.class.getResource(FIXTURE).toURI());
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(from)) {
      paths = new ArrayList<>(walk.toList());
    }
    for (Path p : paths) {
      Path target = to.resolve(from.relativize(p).toString());
      if (Files.isDirectory(p)) {
        Files.createDirectories(target);
      } else {
        Files.copy(p, target);
      }
    }
    return to;
  }
}
