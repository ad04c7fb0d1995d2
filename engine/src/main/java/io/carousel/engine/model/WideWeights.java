package io.carousel.engine.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The weights of the two wide terms of {@link WideAndDeep}, in logit units (the tower's logit is
 * {@code logitScale · cosine}), stored next to the SavedModel as {@value #FILE_NAME}.
 *
 * @param format file format version, {@value #FORMAT}
 * @param knn weight of the co-occurrence cosine sum over the history, &gt;= 0
 * @param next weight of the transition probability from the last history item, &gt;= 0
 * @param chosenBy how they were set, e.g. {@code "validation"} or {@code "default"}
 */
public record WideWeights(int format, float knn, float next, String chosenBy) {
  /** File name inside a model folder. */
  public static final String FILE_NAME = "wide-weights.json";

  static final int FORMAT = 1;

  /** No wide term: the pure two-tower score. */
  public static final WideWeights NONE = of(0, 0, "none");

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Checks the weights. */
  public WideWeights {
    if (!(knn >= 0) || !(next >= 0) || Float.isInfinite(knn) || Float.isInfinite(next)) {
      throw new IllegalArgumentException(
          "wide weights must be finite and >= 0: " + knn + ", " + next);
    }
  }

  /** Returns weights of the current format. */
  public static WideWeights of(float knn, float next, String chosenBy) {
    return new WideWeights(FORMAT, knn, next, chosenBy);
  }

  /** Returns whether both weights are 0 (tower only). */
  @JsonIgnore
  public boolean isNone() {
    return knn == 0 && next == 0;
  }

  /** Returns {@code wKnn=…, wNext=…}, for logs and report settings. */
  @JsonIgnore
  public String describe() {
    return "wKnn=" + knn + ", wNext=" + next;
  }

  /** Writes {@value #FILE_NAME} into {@code dir}; throws {@link IOException} on a write failure. */
  public void write(Path dir) throws IOException {
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(FILE_NAME).toFile(), this);
  }

  /** Returns whether {@code dir} holds a {@value #FILE_NAME}. */
  public static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve(FILE_NAME));
  }

  /**
   * Reads {@value #FILE_NAME} from {@code dir}.
   *
   * @throws IOException naming the file if it is missing, unreadable, of another format or holds
   *     invalid weights
   */
  public static WideWeights read(Path dir) throws IOException {
    Path file = dir.resolve(FILE_NAME);
    WideWeights w;
    try {
      w = JSON.readValue(file.toFile(), WideWeights.class);
    } catch (IOException | IllegalArgumentException e) {
      // Jackson wraps the constructor's check in a mapping exception; name the file either way.
      throw new IOException(file + " is missing or holds invalid weights: " + e.getMessage(), e);
    }
    if (w.format() != FORMAT) {
      throw new IOException(file + " has format " + w.format() + ", this build reads " + FORMAT);
    }
    return w;
  }
}
