package io.carousel.engine.model;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.engine.wide.CoVisitation;
import io.carousel.engine.wide.WideWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a cached model folder's wide files are rebuilt rather than reused. */
class ModelFolderWideProblemTest {
  @Test
  void missingOrCorruptWideFilesAreRebuiltDirectoriesAreLeftToTheLoadError(@TempDir Path dir)
      throws IOException {
    assertNotNull(ModelFolder.at(dir).wideProblem());
    ModelFolder.at(dir).writeCoVisitation(CoVisitation.build(List.of(new int[] {0, 1, 2}), 3, 5));
    assertNotNull(ModelFolder.at(dir).wideProblem());
    ModelFolder.at(dir).writeWideWeights(WideWeights.of(1, 2, "test"));
    assertNull(ModelFolder.at(dir).wideProblem());

    Files.writeString(dir.resolve(ModelFolder.WIDE_WEIGHTS), "{\"format\":1,\"knn\":1e38}");
    String problem = ModelFolder.at(dir).wideProblem();
    assertTrue(problem.startsWith(dir.resolve(ModelFolder.WIDE_WEIGHTS).toString()), problem);

    Files.delete(dir.resolve(ModelFolder.WIDE_WEIGHTS));
    Files.createDirectory(dir.resolve(ModelFolder.WIDE_WEIGHTS));
    assertNull(ModelFolder.at(dir).wideProblem());
  }
}
