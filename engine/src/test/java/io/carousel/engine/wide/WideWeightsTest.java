package io.carousel.engine.wide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.engine.model.ModelFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WideWeightsTest {
  @Test
  void writeThenReadGivesTheSameWeights(@TempDir Path dir) throws IOException {
    WideWeights w = WideWeights.of(0.5f, 8f, "held-out last event of 12 users");
    ModelFolder.at(dir).writeWideWeights(w);
    assertEquals(w, ModelFolder.at(dir).wideWeights());
    assertTrue(ModelFolder.at(dir).hasWideWeights());
  }

  @Test
  void rejectsNegativeWeightsAndOtherFormats(@TempDir Path dir) throws IOException {
    assertThrows(IllegalArgumentException.class, () -> WideWeights.of(-1, 0, "x"));
    Files.writeString(
        dir.resolve(ModelFolder.WIDE_WEIGHTS),
        "{\"format\":1,\"knn\":-2,\"next\":0,\"chosenBy\":\"x\"}");
    assertThrows(IOException.class, () -> ModelFolder.at(dir).wideWeights());
    Files.writeString(
        dir.resolve(ModelFolder.WIDE_WEIGHTS),
        "{\"format\":7,\"knn\":1,\"next\":0,\"chosenBy\":\"x\"}");
    IOException e = assertThrows(IOException.class, () -> ModelFolder.at(dir).wideWeights());
    assertTrue(e.getMessage().contains("format 7"), e.getMessage());
  }

  private static IOException readFails(Path dir, String json) throws IOException {
    Files.writeString(dir.resolve(ModelFolder.WIDE_WEIGHTS), json);
    IOException e = assertThrows(IOException.class, () -> ModelFolder.at(dir).wideWeights());
    assertTrue(
        e.getMessage().startsWith(dir.resolve(ModelFolder.WIDE_WEIGHTS).toString()),
        e.getMessage());
    return e;
  }

  @Test
  void rejectsFiniteButHugeWeightsNamingTheFileAndTheField(@TempDir Path dir) throws IOException {
    IOException knn =
        readFails(dir, "{\"format\":1,\"knn\":3.0e38,\"next\":3.0e38,\"chosenBy\":\"x\"}");
    assertTrue(knn.getMessage().contains("knn"), knn.getMessage());
    IOException next =
        readFails(dir, "{\"format\":1,\"knn\":1,\"next\":1000.5,\"chosenBy\":\"x\"}");
    assertTrue(next.getMessage().contains("next"), next.getMessage());
    readFails(dir, "{\"format\":1,\"knn\":1e39,\"next\":0,\"chosenBy\":\"x\"}");
    readFails(dir, "{\"format\":1,\"knn\":\"1\",\"next\":0,\"chosenBy\":\"x\"}");
    assertThrows(IllegalArgumentException.class, () -> WideWeights.of(1001, 0, "x"));
    assertThrows(IllegalArgumentException.class, () -> WideWeights.of(0, Float.NaN, "x"));

    Files.writeString(
        dir.resolve(ModelFolder.WIDE_WEIGHTS),
        "{\"format\":1,\"knn\":1000,\"next\":0,\"chosenBy\":\"edge\"}");
    assertEquals(
        WideWeights.of(WideWeights.MAX_WEIGHT, 0, "edge"), ModelFolder.at(dir).wideWeights());
  }

  @Test
  void everyFieldIsRequiredAndANullOrEmptyDocumentNamesTheFile(@TempDir Path dir)
      throws IOException {
    assertTrue(readFails(dir, "{\"format\":1}").getMessage().contains("knn"));
    assertTrue(readFails(dir, "{\"format\":1,\"knn\":1}").getMessage().contains("next"));
    assertTrue(
        readFails(dir, "{\"format\":1,\"knn\":1,\"next\":2}").getMessage().contains("chosenBy"));
    assertTrue(
        readFails(dir, "{\"knn\":1,\"next\":2,\"chosenBy\":\"x\"}")
            .getMessage()
            .contains("format"));
    readFails(dir, "{\"format\":1,\"knn\":null,\"next\":2,\"chosenBy\":\"x\"}");
    readFails(dir, "null");
    readFails(dir, "");
    readFails(dir, "[1, 2]");
    readFails(dir, "{\"format\":1,");
  }

  @Test
  void aDirectoryOrNoFileIsAnErrorNamingIt(@TempDir Path dir) throws IOException {
    Path file = dir.resolve(ModelFolder.WIDE_WEIGHTS);
    IOException missing = assertThrows(IOException.class, () -> ModelFolder.at(dir).wideWeights());
    assertTrue(missing.getMessage().startsWith(file + " is missing"), missing.getMessage());
    Files.createDirectory(file);
    IOException notFile = assertThrows(IOException.class, () -> ModelFolder.at(dir).wideWeights());
    assertTrue(
        notFile.getMessage().startsWith(file + " is not a regular file"), notFile.getMessage());
  }
}
