package io.carousel.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WideWeightsTest {
  @Test
  void writeThenReadGivesTheSameWeights(@TempDir Path dir) throws IOException {
    WideWeights w = WideWeights.of(0.5f, 8f, "held-out last event of 12 users");
    w.write(dir);
    assertEquals(w, WideWeights.read(dir));
    assertTrue(WideWeights.exists(dir));
  }

  @Test
  void rejectsNegativeWeightsAndOtherFormats(@TempDir Path dir) throws IOException {
    assertThrows(IllegalArgumentException.class, () -> WideWeights.of(-1, 0, "x"));
    Files.writeString(
        dir.resolve(WideWeights.FILE_NAME),
        "{\"format\":1,\"knn\":-2,\"next\":0,\"chosenBy\":\"x\"}");
    assertThrows(IOException.class, () -> WideWeights.read(dir));
    Files.writeString(
        dir.resolve(WideWeights.FILE_NAME),
        "{\"format\":7,\"knn\":1,\"next\":0,\"chosenBy\":\"x\"}");
    IOException e = assertThrows(IOException.class, () -> WideWeights.read(dir));
    assertTrue(e.getMessage().contains("format 7"), e.getMessage());
  }
}
