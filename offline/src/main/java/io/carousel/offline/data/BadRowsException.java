package io.carousel.offline.data;

import java.nio.file.Path;

/**
 * Thrown when a shop's file has more bad rows than {@code --max-bad-rows} allows; the message names
 * the file, the share and the first bad lines. An {@link IllegalArgumentException}, so the command
 * line exits with code 2 (bad input).
 */
public final class BadRowsException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final transient Path file;
  private final long firstBadLine;

  /**
   * @param file the file read
   * @param firstBadLine 1-based line number of the first bad row
   * @param message the whole report
   */
  public BadRowsException(Path file, long firstBadLine, String message) {
    super(message);
    this.file = file;
    this.firstBadLine = firstBadLine;
  }

  /** Returns the file that was read. */
  public Path file() {
    return file;
  }

  /** Returns the 1-based line number of the first bad row. */
  public long firstBadLine() {
    return firstBadLine;
  }
}
