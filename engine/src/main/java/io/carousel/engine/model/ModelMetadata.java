package io.carousel.engine.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The sizes of an exported model, stored next to the SavedModel as {@value #FILE_NAME} because the
 * signatures carry them only as partially unknown shapes.
 *
 * @param format file format version, {@value #FORMAT}
 * @param numItems rows of the item matrix
 * @param dim vector width
 * @param historyLength N, the history length of the {@code history} input {@code int32[B][N]}
 * @param useText whether the item vectors were trained with the text term
 */
record ModelMetadata(int format, int numItems, int dim, int historyLength, boolean useText) {
  static final String FILE_NAME = "carousel-model.json";
  static final int FORMAT = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Writes this metadata into {@code dir}; throws {@link IOException} on a write failure. */
  void write(Path dir) throws IOException {
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(FILE_NAME).toFile(), this);
  }

  /** Reads the metadata of the model in {@code dir}; throws {@link IOException} if absent. */
  static ModelMetadata read(Path dir) throws IOException {
    ModelMetadata m = JSON.readValue(dir.resolve(FILE_NAME).toFile(), ModelMetadata.class);
    if (m.format() != FORMAT) {
      throw new IOException("unsupported model format " + m.format() + ", expected " + FORMAT);
    }
    return m;
  }
}
