package io.carousel.engine.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.carousel.engine.Catalog;
import io.carousel.engine.Item;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a trained model directory needs besides the SavedModel to be served on its own: the
 * catalogue in index order and the training popularity. Stored as {@code model-meta.json}.
 *
 * @param dataset the dataset it was trained on
 * @param trainInteractions interactions in the training split
 * @param items {@code [numItems]} the catalogue in dense-index order
 * @param trainCounts {@code long[numItems]} training interactions per item
 */
public record ModelMeta(
    String dataset, int trainInteractions, List<Item> items, long[] trainCounts) {
  /** File name inside the model directory. */
  public static final String FILE = "model-meta.json";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Returns the catalogue this model scores. */
  public Catalog catalog() {
    return new Catalog(new ArrayList<>(items));
  }

  /** Writes this to {@code modelDir/model-meta.json}; throws UncheckedIOException on failure. */
  public void write(Path modelDir) {
    try {
      MAPPER.writeValue(modelDir.resolve(FILE).toFile(), this);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + modelDir.resolve(FILE), e);
    }
  }

  /**
   * Reads {@code modelDir/model-meta.json}.
   *
   * @throws IllegalArgumentException naming the file when it is missing or unreadable
   */
  public static ModelMeta read(Path modelDir) {
    Path f = modelDir.resolve(FILE);
    if (!Files.isRegularFile(f)) {
      throw new IllegalArgumentException(
          "no "
              + FILE
              + " in "
              + modelDir.toAbsolutePath()
              + "; is it a Carousel model directory?");
    }
    try {
      return MAPPER.readValue(f.toFile(), ModelMeta.class);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read " + f.toAbsolutePath() + ": " + e.getMessage(), e);
    }
  }

  /** Items as a fresh list (Jackson-friendly copy). */
  public List<Item> items() {
    return List.copyOf(items);
  }
}
