package io.carousel.engine.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The weights of the two wide terms of {@link WideAndDeep}, in logit units (the tower's logit is
 * {@code logitScale · cosine}), stored next to the SavedModel as {@value #FILE_NAME}.
 *
 * @param format file format version, {@value #FORMAT}
 * @param knn weight of the co-occurrence cosine sum over the history, in [0, {@value #MAX_WEIGHT}]
 * @param next weight of the transition probability from the last history item, in [0, {@value
 *     #MAX_WEIGHT}]
 * @param chosenBy how they were set, e.g. {@code "validation"} or {@code "default"}
 */
public record WideWeights(int format, float knn, float next, String chosenBy) {
  /** File name inside a model folder. */
  public static final String FILE_NAME = "wide-weights.json";

  static final int FORMAT = 1;

  /**
   * Largest accepted weight: the validation grid tops out at 8 and the tower's logit scale is about
   * 10, so 1000 is far beyond any sane weight, yet keeps every score finite (a finite but huge
   * weight such as 3e38 turned scores into Infinity and NaN).
   */
  public static final float MAX_WEIGHT = 1000f;

  /** No wide term: the pure two-tower score. */
  public static final WideWeights NONE = of(0, 0, "none");

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Checks the weights. */
  public WideWeights {
    if (!inRange(knn) || !inRange(next)) {
      throw new IllegalArgumentException(
          "wide weights must be in [0, " + MAX_WEIGHT + "]: " + knn + ", " + next);
    }
  }

  /** Returns whether {@code w} is a valid weight: in [0, {@value #MAX_WEIGHT}] (NaN is not). */
  public static boolean inRange(double w) {
    return w >= 0 && w <= MAX_WEIGHT;
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
   * Reads {@value #FILE_NAME} from {@code dir}: a JSON object with every field ({@code format},
   * {@code knn}, {@code next}, {@code chosenBy}), the weights in [0, {@value #MAX_WEIGHT}].
   *
   * @throws IOException whose message starts with the file, if it is missing, not a regular file,
   *     unreadable, not such an object, of another format, lacks a field or holds invalid weights
   */
  public static WideWeights read(Path dir) throws IOException {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + (Files.exists(file) ? " is not a regular file" : " is missing"));
    }
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException(file + " is not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IOException(
          file + " is not a JSON object (" + (root == null ? "empty" : root.getNodeType()) + ")");
    }
    JsonNode format = field(root, "format", file);
    if (!format.isIntegralNumber() || !format.canConvertToInt()) {
      throw new IOException(file + ": format must be an integer, got " + format);
    }
    if (format.intValue() != FORMAT) {
      throw new IOException(
          file + " has format " + format.intValue() + ", this build reads " + FORMAT);
    }
    float knn = weight(root, "knn", file);
    float next = weight(root, "next", file);
    JsonNode chosenBy = field(root, "chosenBy", file);
    if (!chosenBy.isTextual()) {
      throw new IOException(file + ": chosenBy must be a string, got " + chosenBy);
    }
    return new WideWeights(FORMAT, knn, next, chosenBy.textValue());
  }

  private static JsonNode field(JsonNode root, String name, Path file) throws IOException {
    JsonNode v = root.get(name);
    if (v == null || v.isNull()) {
      throw new IOException(file + " lacks the field " + name);
    }
    return v;
  }

  private static float weight(JsonNode root, String name, Path file) throws IOException {
    JsonNode v = field(root, name, file);
    if (!v.isNumber() || !inRange(v.doubleValue()) || !inRange((float) v.doubleValue())) {
      throw new IOException(
          file + ": " + name + " must be a number in [0, " + MAX_WEIGHT + "], got " + v);
    }
    return (float) v.doubleValue();
  }
}
