package io.carousel.engine.wide;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.engine.model.ModelException;
import io.carousel.engine.model.ModelFolder;
import io.carousel.engine.retrieval.TopN;
import io.carousel.engine.tower.TwoTowerScorer;
import io.carousel.offline.train.CyclicSequences;
import io.carousel.offline.train.ToyModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serving path ({@link TwoTowerScorer#topN}, which {@code ScoringModel} calls) against the
 * evaluation path ({@link WideAndDeep#scoreAll}) on a model folder that ships the wide part.
 */
class WideScorerParityTest {
  private static Path copyToyModel(Path target) throws IOException {
    Path source = ToyModel.dir();
    try (Stream<Path> paths = Files.walk(source)) {
      for (Path p : paths.toList()) {
        Path to = target.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    return target;
  }

  @Test
  void servingTopNEqualsBruteForceScoresOfTheShippedFunction(@TempDir Path tmp) throws IOException {
    Path dir = copyToyModel(tmp.resolve("model"));
    List<int[]> sequences = CyclicSequences.sequences(200, 20, 1L);
    ModelFolder.at(dir)
        .writeCoVisitation(CoVisitation.build(sequences, CyclicSequences.NUM_ITEMS, 5));
    ModelFolder.at(dir).writeWideWeights(WideWeights.of(1.5f, 4f, "test"));
    try (TwoTowerScorer scorer = TwoTowerScorer.load(dir)) {
      assertEquals(4f, scorer.ranking().weights().next());
      int[][] histories = ToyModel.probes(12, 9L);
      int[] k = new int[histories.length];
      IntPredicate[] exclude = new IntPredicate[histories.length];
      for (int i = 0; i < k.length; i++) {
        k[i] = 1 + i % 7;
        int banned = histories[i][histories[i].length - 1];
        exclude[i] = item -> item == banned;
      }
      float[][] full = scorer.ranking().scoreAll(scorer.sessionVectors(histories), histories);
      TopN[] served = scorer.topN(histories, k, exclude);
      float[][] tower = scorer.score(histories);
      boolean wideMatters = false;
      for (int i = 0; i < histories.length; i++) {
        TopN expected = TopN.select(full[i], k[i], exclude[i]);
        assertArrayEquals(expected.items(), served[i].items(), "history " + i);
        assertArrayEquals(expected.scores(), served[i].scores(), 0f, "history " + i);
        wideMatters |= Math.abs(served[i].scores()[0] - tower[i][served[i].items()[0]]) > 0.1;
      }
      assertTrue(wideMatters, "the served scores include the wide term");
    }
  }

  @Test
  void servingTopNEqualsBruteForceWithItemsThatHaveNoCoVisitation(@TempDir Path tmp)
      throws IOException {
    Path dir = copyToyModel(tmp.resolve("model"));
    // Items 45..59 occur in no training sequence (catalogue items nobody clicked): cold.
    List<int[]> sequences = new java.util.ArrayList<>();
    for (int[] s : CyclicSequences.sequences(200, 20, 1L)) {
      sequences.add(java.util.Arrays.stream(s).filter(i -> i < 45).toArray());
    }
    ModelFolder.at(dir)
        .writeCoVisitation(CoVisitation.build(sequences, CyclicSequences.NUM_ITEMS, 5));
    ModelFolder.at(dir).writeWideWeights(WideWeights.of(4f, 8f, "test"));
    try (TwoTowerScorer scorer = TwoTowerScorer.load(dir)) {
      assertEquals(15, scorer.ranking().coldTransfer().coldItems());
      int[][] histories = ToyModel.probes(16, 4L);
      int[] k = new int[histories.length];
      for (int i = 0; i < k.length; i++) {
        k[i] = 1 + i % 10;
      }
      float[][] full = scorer.ranking().scoreAll(scorer.sessionVectors(histories), histories);
      TopN[] served = scorer.topN(histories, k, null);
      float[][] tower = scorer.score(histories);
      int coldWithTerm = 0;
      for (int i = 0; i < histories.length; i++) {
        TopN expected = TopN.select(full[i], k[i], null);
        assertArrayEquals(expected.items(), served[i].items(), "history " + i);
        assertArrayEquals(expected.scores(), served[i].scores(), 0f, "history " + i);
        for (int j = 45; j < CyclicSequences.NUM_ITEMS; j++) {
          coldWithTerm += full[i][j] - tower[i][j] > 1e-3 ? 1 : 0;
        }
      }
      assertTrue(coldWithTerm > 0, "cold items get a transferred wide term");
    }
  }

  @Test
  void aFolderWithoutTheWidePartScoresWithTheTowersOnly() {
    try (TwoTowerScorer scorer = TwoTowerScorer.load(ToyModel.dir())) {
      assertNull(scorer.ranking().coVisitation());
      assertTrue(scorer.ranking().weights().isNone());
    }
  }

  @Test
  void aCorruptOrMismatchedWidePartFailsTheLoadWithTheFolderNamed(@TempDir Path tmp)
      throws IOException {
    Path dir = copyToyModel(tmp.resolve("model"));
    ModelFolder.at(dir)
        .writeCoVisitation(
            CoVisitation.build(List.of(new int[] {0, 1}), CyclicSequences.NUM_ITEMS + 1, 5));
    ModelFolder.at(dir).writeWideWeights(WideWeights.of(1, 1, "test"));
    ModelException wrongSize = assertThrows(ModelException.class, () -> TwoTowerScorer.load(dir));
    assertTrue(
        wrongSize.getMessage().contains((CyclicSequences.NUM_ITEMS + 1) + " items"),
        wrongSize.getMessage());

    ModelFolder.at(dir)
        .writeCoVisitation(
            CoVisitation.build(List.of(new int[] {0, 1}), CyclicSequences.NUM_ITEMS, 5));
    Files.delete(dir.resolve(ModelFolder.WIDE_WEIGHTS));
    ModelException noWeights = assertThrows(ModelException.class, () -> TwoTowerScorer.load(dir));
    assertTrue(noWeights.getMessage().contains("wide"), noWeights.getMessage());

    ModelFolder.at(dir).writeWideWeights(WideWeights.of(1, 1, "test"));
    Path file = dir.resolve(ModelFolder.CO_VISITATION);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 3] ^= 1;
    Files.write(file, bytes);
    ModelException corrupt = assertThrows(ModelException.class, () -> TwoTowerScorer.load(dir));
    assertNotEquals(-1, corrupt.getMessage().indexOf(ModelFolder.CO_VISITATION));
  }
}
