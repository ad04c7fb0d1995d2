package io.carousel.offline.data;

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
    this(lookedIn, "dataset not found at " + lookedIn.toAbsolutePath() + "; " + origin, true);
  }

  private DatasetMissingException(Path lookedIn, String message, boolean unused) {
    super(message);
    this.lookedIn = lookedIn;
  }

  /**
   * Returns the exception for a file the user named with a command-line option, e.g. {@code --items
   * file not found: /abs/shop-items.csv}.
   *
   * @param option the option that named the file, with its dashes ({@code --items})
   * @param file the file that does not exist
   */
  public static DatasetMissingException optionFile(String option, Path file) {
    return new DatasetMissingException(
        file, option + " file not found: " + file.toAbsolutePath(), true);
  }

  /** Returns the path that was looked in. */
  public Path lookedIn() {
    return lookedIn;
  }
}
