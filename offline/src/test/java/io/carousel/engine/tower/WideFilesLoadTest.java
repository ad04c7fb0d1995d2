package io.carousel.engine.tower;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.engine.model.ModelFileException;
import io.carousel.engine.model.ModelFolder;
import io.carousel.engine.wide.CoVisitation;
import io.carousel.engine.wide.CoVisitationTest;
import io.carousel.engine.wide.WideWeights;
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
        dir.resolve(ModelFolder.SIZES),
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
    Files.createDirectory(dir.resolve(ModelFolder.CO_VISITATION));
    ModelFolder.at(dir).writeWideWeights(WideWeights.of(1, 1, "test"));
    ModelFileException e = fails(dir);
    assertTrue(
        e.getMessage()
            .startsWith(dir.resolve(ModelFolder.CO_VISITATION) + " is not a regular file"),
        e.getMessage());
  }

  @Test
  void oneWideFileWithoutTheOtherNamesTheMissingOne() throws IOException {
    Path dir = folder();
    ModelFolder.at(dir).writeWideWeights(WideWeights.of(1, 1, "test"));
    ModelFileException noCo = fails(dir);
    assertTrue(
        noCo.getMessage().startsWith(dir.resolve(ModelFolder.CO_VISITATION) + " is missing"),
        noCo.getMessage());

    Files.delete(dir.resolve(ModelFolder.WIDE_WEIGHTS));
    ModelFolder.at(dir)
        .writeCoVisitation(CoVisitation.build(CoVisitationTest.randomSequences(30, 20, 1L), 20, 5));
    ModelFileException noWeights = fails(dir);
    assertTrue(
        noWeights.getMessage().startsWith(dir.resolve(ModelFolder.WIDE_WEIGHTS) + " is missing"),
        noWeights.getMessage());
  }

  @Test
  void corruptOrInvalidWideFilesAndAnItemCountMismatchAreNamed() throws IOException {
    Path dir = folder();
    ModelFolder.at(dir)
        .writeCoVisitation(CoVisitation.build(CoVisitationTest.randomSequences(30, 20, 1L), 20, 5));
    Files.writeString(
        dir.resolve(ModelFolder.WIDE_WEIGHTS),
        "{\"format\":1,\"knn\":3.0e38,\"next\":3.0e38,\"chosenBy\":\"x\"}");
    ModelFileException huge = fails(dir);
    assertTrue(
        huge.getMessage().startsWith(dir.resolve(ModelFolder.WIDE_WEIGHTS) + ": knn"),
        huge.getMessage());

    ModelFolder.at(dir).writeWideWeights(WideWeights.of(1, 1, "test"));
    Files.write(dir.resolve(ModelFolder.CO_VISITATION), new byte[0]);
    ModelFileException empty = fails(dir);
    assertTrue(
        empty.getMessage().startsWith(dir.resolve(ModelFolder.CO_VISITATION) + " is truncated"),
        empty.getMessage());

    ModelFolder.at(dir).writeCoVisitation(CoVisitation.build(List.of(new int[] {0, 1}), 21, 5));
    ModelFileException mismatch = fails(dir);
    assertTrue(
        mismatch.getMessage().startsWith(dir.resolve(ModelFolder.CO_VISITATION) + " has 21 items"),
        mismatch.getMessage());
  }
}
