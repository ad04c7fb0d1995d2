package io.carousel.engine;

import java.nio.file.Path;

/** Thrown when a dataset's files are not where they were looked for. */
public final class DatasetMissingException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final Path lookedIn;

  /**
   * @param lookedIn the path that was looked in
   * @param origin where the data comes from (official source and licence), shown to the user
   */
  public DatasetMissingException(Path lookedIn, String origin) {
    super("dataset not found at " + lookedIn.toAbsolutePath() + "; " + origin);
    this.lookedIn = lookedIn;
  }

  /** Returns the path that was looked in. */
  public Path lookedIn() {
    return lookedIn;
  }
}
