package io.carousel.engine.model;

/**
 * Thrown when the model cannot be built, trained, exported, loaded or run; says which and where.
 */
public class ModelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names the operation and path involved. */
  public ModelException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Creates the exception with a message that names the operation and path involved. */
  public ModelException(String message) {
    super(message);
  }
}
