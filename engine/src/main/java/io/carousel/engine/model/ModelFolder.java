package io.carousel.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carousel.engine.wide.CoVisitation;
import io.carousel.engine.wide.CoVisitationFile;
import io.carousel.engine.wide.WideWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * Every file of a model folder, the one place that names, writes and reads them. The names and
 * formats are those of the first trained models, so that a folder trained by any earlier build is
 * served without retraining:
 *
 * <pre>
 *   saved_model.pb, variables/  the two towers, a TensorFlow SavedModel (TensorFlow writes and
 *                               loads it; this class only checks that it is there)
 *   carousel-model.json         {@link Sizes}: the SavedModel's sizes (pretty JSON)
 *   model-meta.json             {@link ModelMeta}: the catalogue in index order and the training
 *                               popularity (compact JSON)
 *   co-visitation.bin           {@link CoVisitation}: the wide term's neighbour lists (binary,
 *                               layout in {@link CoVisitationFile})
 *   wide-weights.json           {@link WideWeights}: the wide terms' weights (pretty JSON)
 * </pre>
 *
 * The last two are written together or not at all: a folder without both is a model trained before
 * the wide term, served with the towers only. A new folder is written as a sibling {@code
 * <name>.tmp} and moved into place when complete ({@link #create}), so a crash never leaves a
 * half-written model under the real name.
 */
public final class ModelFolder {
  /** The SavedModel's graph file, written by TensorFlow. */
  public static final String SAVED_MODEL = "saved_model.pb";

  /** File of {@link Sizes}. */
  public static final String SIZES = "carousel-model.json";

  /** File of {@link ModelMeta}. */
  public static final String META = "model-meta.json";

  /** File of the {@link CoVisitation} lists. */
  public static final String CO_VISITATION = "co-visitation.bin";

  /** File of the {@link WideWeights}. */
  public static final String WIDE_WEIGHTS = "wide-weights.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The sizes of an exported model, stored because the signatures carry them only as partially
   * unknown shapes.
   *
   * @param format file format version, {@value #FORMAT}
   * @param numItems rows of the item matrix
   * @param dim vector width
   * @param historyLength N, the history length of the {@code history} input {@code int32[B][N]}
   * @param useText whether the item vectors were trained with the text term
   */
  public record Sizes(int format, int numItems, int dim, int historyLength, boolean useText) {
    /** The format version this build writes and reads. */
    public static final int FORMAT = 1;

    /** Returns sizes of the current format. */
    public static Sizes of(int numItems, int dim, int historyLength, boolean useText) {
      return new Sizes(FORMAT, numItems, dim, historyLength, useText);
    }
  }

  /**
   * The wide part of a model: its co-visitation lists and their weights.
   *
   * @param coVisitation the lists, over the model's trained items
   * @param weights their weights
   */
  public record Wide(CoVisitation coVisitation, WideWeights weights) {}

  /** Writes the files of a new model folder into the (empty) folder it is given. */
  @FunctionalInterface
  public interface Writer {
    /** Writes the files into {@code staging}; throws {@link IOException} on a write failure. */
    void write(ModelFolder staging) throws IOException;
  }

  private final Path dir;

  private ModelFolder(Path dir) {
    this.dir = dir;
  }

  /** Returns the model folder at {@code dir} (which need not exist yet). */
  public static ModelFolder at(Path dir) {
    return new ModelFolder(dir);
  }

  /**
   * Creates the model folder {@code dir}: {@code writer} fills an empty sibling {@code <name>.tmp}
   * (a leftover one from a crash is deleted first), which then replaces {@code dir}.
   *
   * @throws IOException if a file cannot be written or the folder not moved into place
   */
  public static ModelFolder create(Path dir, Writer writer) throws IOException {
    Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
    deleteRecursively(tmp);
    Files.createDirectories(tmp.getParent());
    writer.write(at(tmp));
    deleteRecursively(dir);
    Files.move(tmp, dir);
    return at(dir);
  }

  /** Returns the folder's path. */
  public Path dir() {
    return dir;
  }

  /** Returns the path of the file {@code name} (one of this class's constants) in the folder. */
  public Path file(String name) {
    return dir.resolve(name);
  }

  /**
   * Checks that the folder holds a SavedModel.
   *
   * @throws ModelFileException naming the folder when the folder exists without {@value
   *     #SAVED_MODEL} (a damaged folder, to delete)
   * @throws ModelException when there is no folder at all
   */
  public void checkSavedModel() {
    Path abs = dir.toAbsolutePath();
    if (!Files.isRegularFile(abs.resolve(SAVED_MODEL))) {
      String message = "no SavedModel at " + abs + " (" + SAVED_MODEL + " is missing)";
      // A folder without its SavedModel is a damaged model folder; no folder at all is not.
      throw Files.isDirectory(abs)
          ? new ModelFileException(abs, message, null)
          : new ModelException(message);
    }
  }

  /** Writes {@value #SIZES}; throws {@link IOException} on a write failure. */
  public void writeSizes(Sizes sizes) throws IOException {
    JSON.writerWithDefaultPrettyPrinter().writeValue(file(SIZES).toFile(), sizes);
  }

  /**
   * Reads {@value #SIZES}.
   *
   * @throws ModelFileException naming the file and the folder when it is missing, unreadable or of
   *     another format
   */
  public Sizes sizes() {
    Path abs = dir.toAbsolutePath();
    try {
      Sizes s = JSON.readValue(abs.resolve(SIZES).toFile(), Sizes.class);
      if (s.format() != Sizes.FORMAT) {
        throw new IOException(
            "unsupported model format " + s.format() + ", expected " + Sizes.FORMAT);
      }
      return s;
    } catch (IOException e) {
      throw new ModelFileException(abs, "cannot read " + abs.resolve(SIZES) + ": " + e, e);
    }
  }

  /** Returns whether the folder holds a {@value #META} (a complete trained model). */
  public boolean hasMeta() {
    return Files.isRegularFile(file(META));
  }

  /** Writes {@value #META}; throws UncheckedIOException on failure. */
  public void writeMeta(ModelMeta meta) {
    try {
      JSON.writeValue(file(META).toFile(), meta);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file(META), e);
    }
  }

  /**
   * Reads {@value #META}.
   *
   * @throws IllegalArgumentException naming the file when it is missing or unreadable
   */
  public ModelMeta meta() {
    Path f = file(META);
    if (!Files.isRegularFile(f)) {
      throw new IllegalArgumentException(
          "no " + META + " in " + dir.toAbsolutePath() + "; is it a Carousel model directory?");
    }
    try {
      return JSON.readValue(f.toFile(), ModelMeta.class);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read " + f.toAbsolutePath() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes {@value #CO_VISITATION} (through a temporary file and an atomic move) and {@value
   * #WIDE_WEIGHTS}.
   *
   * @throws IOException if a file cannot be written
   */
  public void writeWide(CoVisitation coVisitation, WideWeights weights) throws IOException {
    writeCoVisitation(coVisitation);
    writeWideWeights(weights);
  }

  /** Writes {@value #CO_VISITATION} through a temporary file and an atomic move. */
  public void writeCoVisitation(CoVisitation coVisitation) throws IOException {
    CoVisitationFile.write(file(CO_VISITATION), coVisitation);
  }

  /** Writes {@value #WIDE_WEIGHTS}; throws {@link IOException} on a write failure. */
  public void writeWideWeights(WideWeights weights) throws IOException {
    JSON.writerWithDefaultPrettyPrinter().writeValue(file(WIDE_WEIGHTS).toFile(), weights);
  }

  /** Returns whether the folder holds a {@value #CO_VISITATION} regular file. */
  public boolean hasCoVisitation() {
    return Files.isRegularFile(file(CO_VISITATION));
  }

  /** Returns whether the folder holds a {@value #WIDE_WEIGHTS} regular file. */
  public boolean hasWideWeights() {
    return Files.isRegularFile(file(WIDE_WEIGHTS));
  }

  /**
   * Reads {@value #CO_VISITATION}.
   *
   * @throws IOException naming the file if it is missing, truncated, of another format or version,
   *     fails its checksum, or holds out-of-range indices or negative weights
   */
  public CoVisitation coVisitation() throws IOException {
    return CoVisitationFile.read(file(CO_VISITATION));
  }

  /**
   * Reads {@value #WIDE_WEIGHTS}: a JSON object with every field ({@code format}, {@code knn},
   * {@code next}, {@code chosenBy}), the weights in [0, {@value WideWeights#MAX_WEIGHT}].
   *
   * @throws IOException whose message starts with the file, if it is missing, not a regular file,
   *     unreadable, not such an object, of another format, lacks a field or holds invalid weights
   */
  public WideWeights wideWeights() throws IOException {
    Path file = file(WIDE_WEIGHTS);
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
    if (format.intValue() != WideWeights.FORMAT) {
      throw new IOException(
          file + " has format " + format.intValue() + ", this build reads " + WideWeights.FORMAT);
    }
    float knn = weight(root, "knn", file);
    float next = weight(root, "next", file);
    JsonNode chosenBy = field(root, "chosenBy", file);
    if (!chosenBy.isTextual()) {
      throw new IOException(file + ": chosenBy must be a string, got " + chosenBy);
    }
    return new WideWeights(WideWeights.FORMAT, knn, next, chosenBy.textValue());
  }

  /**
   * Reads the wide part for serving: {@value #CO_VISITATION} and {@value #WIDE_WEIGHTS} must both
   * be there, or both be absent (a model trained before the wide term: returns {@code null}); one
   * without the other, or a directory in the place of either, is an error.
   *
   * @param numItems the model's trained items, which the lists must cover
   * @throws ModelFileException naming the file and the folder when a wide file is missing, corrupt,
   *     invalid or does not fit the model
   */
  public Wide wide(int numItems) {
    Path abs = dir.toAbsolutePath();
    Path coFile = abs.resolve(CO_VISITATION);
    Path weightsFile = abs.resolve(WIDE_WEIGHTS);
    // Only both files truly absent means a model trained before the wide term; a directory or an
    // unreadable path in their place is an error (the reads say which), as is one without the
    // other.
    boolean coAbsent = Files.notExists(coFile, LinkOption.NOFOLLOW_LINKS);
    boolean weightsAbsent = Files.notExists(weightsFile, LinkOption.NOFOLLOW_LINKS);
    if (coAbsent != weightsAbsent) {
      Path missing = coAbsent ? coFile : weightsFile;
      Path present = coAbsent ? weightsFile : coFile;
      throw new ModelFileException(
          abs, missing + " is missing, but " + present.getFileName() + " is there", null);
    }
    if (coAbsent) {
      return null;
    }
    Wide wide;
    try {
      ModelFolder absFolder = at(abs);
      wide = new Wide(absFolder.coVisitation(), absFolder.wideWeights());
    } catch (IOException e) {
      throw new ModelFileException(abs, e.getMessage(), e);
    }
    if (wide.coVisitation().numItems() != numItems) {
      throw new ModelFileException(
          abs,
          coFile + " has " + wide.coVisitation().numItems() + " items, the model " + numItems,
          null);
    }
    return wide;
  }

  /**
   * Returns why the wide files of this (cached) folder should be rebuilt (one or both is missing,
   * or a file fails to read), or {@code null} when they read or when a path of theirs is not a
   * regular file (a directory, say), which cannot be overwritten: then loading the model fails
   * naming it and the folder to delete.
   */
  public String wideProblem() {
    Path co = file(CO_VISITATION);
    Path weights = file(WIDE_WEIGHTS);
    for (Path p : List.of(co, weights)) {
      if (Files.exists(p) && !Files.isRegularFile(p)) {
        return null;
      }
    }
    if (!Files.exists(co) || !Files.exists(weights)) {
      return "a wide file is missing";
    }
    try {
      coVisitation();
      wideWeights();
      return null;
    } catch (IOException e) {
      return e.getMessage();
    }
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
    if (!v.isNumber()
        || !WideWeights.inRange(v.doubleValue())
        || !WideWeights.inRange((float) v.doubleValue())) {
      throw new IOException(
          file
              + ": "
              + name
              + " must be a number in [0, "
              + WideWeights.MAX_WEIGHT
              + "], got "
              + v);
    }
    return (float) v.doubleValue();
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
