package io.carousel.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@link TwoTowerScorer#load} treats the wide files of a model folder: every problem is a
 * {@link ModelFileException} naming the file and the folder, found before the SavedModel is loaded
 * (so these folders hold a fake {@code saved_model.pb}).
 */
class WideFilesLoadTest {
  @TempDir Path tmp;

  private Path folder() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("model"));
    Files.writeString(dir.resolve("saved_model.pb"), "not a protobuf");
    Files.writeString(
        dir.resolve(ModelMetadata.FILE_NAME),
        "{\"format\":1,\"numItems\":20,\"dim\":2,\"historyLength\":4,\"useText\":true}");
    return dir.toAbsolutePath();
  }

  private static ModelFileException fails(Path dir) {
    ModelFileException e = assertThrows(ModelFileException.class, () -> TwoTowerScorer.load(dir));
    assertEquals(dir, e.modelDir());
    return e;
  }

  @Test
  void aDirectoryInPlaceOfTheCoVisitationFileIsAnErrorNotATowerOnlyModel() throws IOException {
    Path dir = folder();
    Files.createDirectory(dir.resolve(CoVisitation.FILE_NAME));
    WideWeights.of(1, 1, "test").write(dir);
    ModelFileException e = fails(dir);
    assertTrue(
        e.getMessage().startsWith(dir.resolve(CoVisitation.FILE_NAME) + " is not a regular file"),
        e.getMessage());
  }

  @Test
  void oneWideFileWithoutTheOtherNamesTheMissingOne() throws IOException {
    Path dir = folder();
    WideWeights.of(1, 1, "test").write(dir);
    ModelFileException noCo = fails(dir);
    assertTrue(
        noCo.getMessage().startsWith(dir.resolve(CoVisitation.FILE_NAME) + " is missing"),
        noCo.getMessage());

    Files.delete(dir.resolve(WideWeights.FILE_NAME));
    CoVisitation.build(CoVisitationTest.randomSequences(30, 20, 1L), 20, 5).write(dir);
    ModelFileException noWeights = fails(dir);
    assertTrue(
        noWeights.getMessage().startsWith(dir.resolve(WideWeights.FILE_NAME) + " is missing"),
        noWeights.getMessage());
  }

  @Test
  void corruptOrInvalidWideFilesAndAnItemCountMismatchAreNamed() throws IOException {
    Path dir = folder();
    CoVisitation.build(CoVisitationTest.randomSequences(30, 20, 1L), 20, 5).write(dir);
    Files.writeString(
        dir.resolve(WideWeights.FILE_NAME),
        "{\"format\":1,\"knn\":3.0e38,\"next\":3.0e38,\"chosenBy\":\"x\"}");
    ModelFileException huge = fails(dir);
    assertTrue(
        huge.getMessage().startsWith(dir.resolve(WideWeights.FILE_NAME) + ": knn"),
        huge.getMessage());

    WideWeights.of(1, 1, "test").write(dir);
    Files.write(dir.resolve(CoVisitation.FILE_NAME), new byte[0]);
    ModelFileException empty = fails(dir);
    assertTrue(
        empty.getMessage().startsWith(dir.resolve(CoVisitation.FILE_NAME) + " is truncated"),
        empty.getMessage());

    CoVisitation.build(List.of(new int[] {0, 1}), 21, 5).write(dir);
    ModelFileException mismatch = fails(dir);
    assertTrue(
        mismatch.getMessage().startsWith(dir.resolve(CoVisitation.FILE_NAME) + " has 21 items"),
        mismatch.getMessage());
  }
}
