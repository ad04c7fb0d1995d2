package io.carousel.offline.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Locates the folder that holds the real datasets ({@code amazon2018-small/}, {@code
 * movielens-100k/}, ...). The data is research-only and never committed, so it is found through the
 * system property {@value #PROPERTY} or the environment variable {@value #ENV}.
 */
public final class DataDirs {
  /** System property naming the data root; wins over {@link #ENV}. */
  public static final String PROPERTY = "carousel.data.dir";

  /** Environment variable naming the data root. */
  public static final String ENV = "CAROUSEL_DATA_DIR";

  private DataDirs() {}

  /**
   * Returns the data root: property {@value #PROPERTY} if non-blank, else env {@value #ENV} if
   * non-blank, else {@code ../shared/data} relative to the working directory. The path may not
   * exist; readers report that with {@link io.carousel.offline.data.DatasetMissingException}.
   */
  public static Path dataRoot() {
    return configured().orElse(Path.of("..", "shared", "data"));
  }

  /**
   * Returns the first existing data root among the property, the env variable, {@code
   * ../shared/data} and {@code ../../shared/data} (Surefire runs tests in the module folder), or
   * empty when none exists, so that tests can skip.
   */
  public static Optional<Path> dataRootForTests() {
    List<Path> candidates = new ArrayList<>();
    configured().ifPresent(candidates::add);
    candidates.add(Path.of("..", "shared", "data"));
    candidates.add(Path.of("..", "..", "shared", "data"));
    return candidates.stream().filter(Files::isDirectory).findFirst();
  }

  private static Optional<Path> configured() {
    for (String value : new String[] {System.getProperty(PROPERTY), System.getenv(ENV)}) {
      if (isSet(value)) {
        return Optional.of(Path.of(value.trim()));
      }
    }
    return Optional.empty();
  }

  // Surefire passes "${env.CAROUSEL_DATA_DIR}" through verbatim when the variable is unset.
  private static boolean isSet(String value) {
    return value != null && !value.isBlank() && !value.startsWith("${");
  }
}
