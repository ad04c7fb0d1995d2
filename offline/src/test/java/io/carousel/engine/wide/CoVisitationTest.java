package io.carousel.engine.wide;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.engine.model.ModelFolder;
import io.carousel.offline.eval.DenseItemKnn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class CoVisitationTest {
  public static List<int[]> randomSequences(int users, int numItems, long seed) {
    Random rng = new Random(seed);
    List<int[]> seqs = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      int[] s = new int[2 + rng.nextInt(8)];
      for (int t = 0; t < s.length; t++) {
        // Skewed, with repeats, so lists are uneven and some pairs repeat.
        s[t] = (int) Math.min(numItems - 1, Math.abs(rng.nextGaussian()) * numItems / 3);
      }
      seqs.add(s);
    }
    return seqs;
  }

  @Test
  void cosineTermEqualsTheItemKnnScoreWhenEveryNeighbourIsKept() {
    List<int[]> seqs = randomSequences(80, 25, 3L);
    CoVisitation cv = CoVisitation.build(seqs, 25, 25);
    DenseItemKnn knn = new DenseItemKnn(25);
    knn.fit(seqs, 25);
    int[] history = {4, 0, 4, 7};
    float[] expected = knn.score(new int[] {0}, new int[][] {history})[0];
    float[] actual = new float[25];
    CoVisitation.Terms t = cv.terms(history, 1, 0);
    for (int p = 0; p < t.items().length; p++) {
      actual[t.items()[p]] = t.values()[p];
    }
    assertArrayEquals(expected, actual, 1e-5f);
    assertTrue(t.items().length > 5, "the history has neighbours");
  }

  @Test
  void transitionTermIsTheNextItemProbabilityOfTheLastItem() {
    List<int[]> seqs = List.of(new int[] {0, 1, 2}, new int[] {0, 1, 0, 2}, new int[] {3, 0});
    CoVisitation cv = CoVisitation.build(seqs, 4, 10);
    // From 0: 0->1 twice, 0->2 once.
    assertEquals(2f / 3, cv.transition(0, 1), 1e-6);
    assertEquals(1f / 3, cv.transition(0, 2), 1e-6);
    assertEquals(0, cv.transition(0, 3));
    CoVisitation.Terms t = cv.terms(new int[] {3, 0}, 0, 2);
    assertArrayEquals(new int[] {1, 2}, t.items());
    assertArrayEquals(new float[] {4f / 3, 2f / 3}, t.values(), 1e-6f);
  }

  @Test
  void keepsTheTopNeighboursByWeightWithTiesToTheLowerIndex() {
    // Item 0 co-occurs with 1 twice and with 2, 3 once each; |U_2| = |U_3| = 1.
    List<int[]> seqs = List.of(new int[] {0, 1}, new int[] {0, 1, 3}, new int[] {0, 2});
    CoVisitation cv = CoVisitation.build(seqs, 4, 2);
    assertTrue(cv.cosine(0, 1) > 0);
    assertTrue(cv.cosine(0, 2) > 0, "2 and 3 tie; the lower index stays");
    assertEquals(0, cv.cosine(0, 3));
    assertEquals(0, cv.cosine(0, 0), "no self-similarity");
  }

  @Test
  void zeroWeightsOrAnEmptyHistoryGiveNoTerm() {
    CoVisitation cv = CoVisitation.build(randomSequences(30, 10, 1L), 10, 5);
    assertEquals(0, cv.terms(new int[] {1, 2}, 0, 0).items().length);
    assertEquals(0, cv.terms(new int[0], 1, 1).items().length);
    assertThrows(IllegalArgumentException.class, () -> cv.terms(new int[] {10}, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> cv.terms(new int[] {1}, -1, 1));
  }

  @Test
  void writeThenReadGivesTheSameLists(@TempDir Path dir) throws IOException {
    CoVisitation cv = CoVisitation.build(randomSequences(200, 60, 5L), 60, 7);
    ModelFolder.at(dir).writeCoVisitation(cv);
    CoVisitation back = ModelFolder.at(dir).coVisitation();
    assertEquals(60, back.numItems());
    assertEquals(7, back.maxNeighbours());
    assertEquals(cv.storedNeighbours(), back.storedNeighbours());
    assertArrayEquals(cv.cosineLists().offsets(), back.cosineLists().offsets());
    assertArrayEquals(cv.cosineLists().ids(), back.cosineLists().ids());
    assertArrayEquals(cv.cosineLists().weights(), back.cosineLists().weights());
    assertArrayEquals(cv.nextLists().offsets(), back.nextLists().offsets());
    assertArrayEquals(cv.nextLists().ids(), back.nextLists().ids());
    assertArrayEquals(cv.nextLists().weights(), back.nextLists().weights());
    int[] h = {3, 9, 3, 1};
    assertArrayEquals(cv.terms(h, 1.5f, 2).values(), back.terms(h, 1.5f, 2).values());
  }

  @Test
  void rejectsACorruptTruncatedOrForeignFile(@TempDir Path dir) throws IOException {
    ModelFolder.at(dir).writeCoVisitation(CoVisitation.build(randomSequences(50, 20, 9L), 20, 5));
    Path file = dir.resolve(ModelFolder.CO_VISITATION);
    byte[] good = Files.readAllBytes(file);

    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 0x10;
    Files.write(file, flipped);
    IOException corrupt = assertThrows(IOException.class, () -> ModelFolder.at(dir).coVisitation());
    assertTrue(corrupt.getMessage().contains(ModelFolder.CO_VISITATION), corrupt.getMessage());

    Files.write(file, java.util.Arrays.copyOf(good, good.length - 5));
    assertThrows(IOException.class, () -> ModelFolder.at(dir).coVisitation());

    byte[] foreign = good.clone();
    foreign[0] = 'X';
    Files.write(file, foreign);
    IOException magic = assertThrows(IOException.class, () -> ModelFolder.at(dir).coVisitation());
    assertTrue(magic.getMessage().contains("magic"), magic.getMessage());

    byte[] version = good.clone();
    version[7] = 9;
    Files.write(file, version);
    IOException v = assertThrows(IOException.class, () -> ModelFolder.at(dir).coVisitation());
    assertTrue(v.getMessage().contains("format 9"), v.getMessage());
  }

  @Test
  void neverBuildsADenseMatrix() {
    // 200k items: a dense float matrix would need 160 GB; the lists stay proportional to events.
    int n = 200_000;
    List<int[]> seqs = new ArrayList<>();
    for (int u = 0; u < 1000; u++) {
      seqs.add(new int[] {u, u + 1, (u * 7919) % n});
    }
    CoVisitation cv = CoVisitation.build(seqs, n, 200);
    assertTrue(cv.storedNeighbours() < 10_000, "stored " + cv.storedNeighbours());
    // 5 is followed by 6 in sequence 5 and by 4 · 7919 in sequence 4.
    assertEquals(0.5f, cv.transition(5, 6));
    assertEquals(0.5f, cv.transition(5, 4 * 7919));
  }

  /** Writes {@code good} with the big-endian int at {@code offset} replaced by {@code value}. */
  private static IOException headerEditFails(Path dir, byte[] good, int offset, int value)
      throws IOException {
    byte[] edited = good.clone();
    java.nio.ByteBuffer.wrap(edited).putInt(offset, value);
    Path file = dir.resolve(ModelFolder.CO_VISITATION);
    Files.write(file, edited);
    IOException e = assertThrows(IOException.class, () -> ModelFolder.at(dir).coVisitation());
    assertTrue(e.getMessage().startsWith(file + " is corrupt: "), e.getMessage());
    return e;
  }

  @Test
  void aHugeOrOverflowingHeaderSizeFailsBeforeAnyAllocation(@TempDir Path dir) throws IOException {
    ModelFolder.at(dir).writeCoVisitation(CoVisitation.build(randomSequences(50, 20, 9L), 20, 5));
    byte[] good = Files.readAllBytes(dir.resolve(ModelFolder.CO_VISITATION));
    // numItems at byte 8, M at 12, the cosine list's nnz at 16; the next list's nnz follows the
    // cosine offsets, ids and weights.
    headerEditFails(dir, good, 8, 1_500_000_000);
    headerEditFails(dir, good, 8, Integer.MAX_VALUE);
    headerEditFails(dir, good, 8, 21);
    headerEditFails(dir, good, 16, 500_000_000);
    headerEditFails(dir, good, 16, Integer.MAX_VALUE);
    int cosineNnz = java.nio.ByteBuffer.wrap(good).getInt(16);
    int nextNnzAt = 16 + 4 + 4 * 21 + 8 * cosineNnz;
    headerEditFails(dir, good, nextNnzAt, 500_000_000);
    headerEditFails(dir, good, nextNnzAt, java.nio.ByteBuffer.wrap(good).getInt(nextNnzAt) + 1);
  }

  @Test
  void anEmptyOrTruncatedFileOrADirectoryIsNamedFirst(@TempDir Path dir) throws IOException {
    ModelFolder.at(dir).writeCoVisitation(CoVisitation.build(randomSequences(50, 20, 9L), 20, 5));
    Path file = dir.resolve(ModelFolder.CO_VISITATION);
    byte[] good = Files.readAllBytes(file);
    for (int length : new int[] {0, 3, 12, good.length - 1}) {
      Files.write(file, java.util.Arrays.copyOf(good, length));
      IOException e = assertThrows(IOException.class, () -> ModelFolder.at(dir).coVisitation());
      assertTrue(e.getMessage().startsWith(file + " is "), length + ": " + e.getMessage());
    }
    Files.delete(file);
    IOException missing = assertThrows(IOException.class, () -> ModelFolder.at(dir).coVisitation());
    assertTrue(missing.getMessage().startsWith(file + " is missing"), missing.getMessage());
    Files.createDirectory(file);
    IOException notFile = assertThrows(IOException.class, () -> ModelFolder.at(dir).coVisitation());
    assertTrue(
        notFile.getMessage().startsWith(file + " is not a regular file"), notFile.getMessage());
  }
}
