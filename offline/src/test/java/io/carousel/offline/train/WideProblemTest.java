package io.carousel.offline.train;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.engine.model.CoVisitation;
import io.carousel.engine.model.WideWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a cached model folder's wide files are rebuilt rather than reused. */
class WideProblemTest {
  @Test
  void missingOrCorruptWideFilesAreRebuiltDirectoriesAreLeftToTheLoadError(@TempDir Path dir)
      throws IOException {
    assertNotNull(TrainingPipeline.wideProblem(dir));
    CoVisitation.build(List.of(new int[] {0, 1, 2}), 3, 5).write(dir);
    assertNotNull(TrainingPipeline.wideProblem(dir));
    WideWeights.of(1, 2, "test").write(dir);
    assertNull(TrainingPipeline.wideProblem(dir));

    Files.writeString(dir.resolve(WideWeights.FILE_NAME), "{\"format\":1,\"knn\":1e38}");
    String problem = TrainingPipeline.wideProblem(dir);
    assertTrue(problem.startsWith(dir.resolve(WideWeights.FILE_NAME).toString()), problem);

    Files.delete(dir.resolve(WideWeights.FILE_NAME));
    Files.createDirectory(dir.resolve(WideWeights.FILE_NAME));
    assertNull(TrainingPipeline.wideProblem(dir));
  }
}
