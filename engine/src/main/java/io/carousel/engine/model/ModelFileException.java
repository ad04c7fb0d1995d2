package io.carousel.engine.model;

import java.nio.file.Path;

/**
 * A {@link ModelException} the user can fix: a file of a model folder is missing, corrupt or
 * invalid (the wide-and-deep files, the SavedModel's metadata). The message starts with the file;
 * {@link #modelDir()} is the folder to delete so that the model is trained again.
 */
public final class ModelFileException extends ModelException {
  private static final long serialVersionUID = 1L;

  private final transient Path modelDir;

  /**
   * Creates the exception.
   *
   * @param modelDir the model folder holding the bad file
   * @param message what is wrong, starting with the file
   * @param cause the underlying failure, or {@code null}
   */
  public ModelFileException(Path modelDir, String message, Throwable cause) {
    super(message, cause);
    this.modelDir = modelDir;
  }

  /** Returns the model folder holding the bad file. */
  public Path modelDir() {
    return modelDir;
  }
}
