package io.carousel.offline.train;

import io.carousel.engine.model.ModelFolder;
import io.carousel.engine.tower.TowerSignatures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The inference-only graph built from trained {@link ServingParams}: the item matrix is
 * precomputed, so a score call costs one gather, the session tower (pooling: one {@code
 * [B][dim]·[dim][dim]} product; attention: {@code [B·N][dim]·[dim][dim]} products, see {@link
 * AttentionTower}) and one {@code [B][dim]·[dim][numItems]} product. Exported as a SavedModel with
 * the signatures {@value TowerSignatures#SCORE}, {@value TowerSignatures#SESSION_VECTOR} and
 * {@value TowerSignatures#ITEM_VECTORS}, plus {@value #ITEM_VECTOR_FROM_TEXT} for a model with
 * text: {@code normalize(text · W_text)}, the item tower without the id embedding, which gives an
 * item never seen in training (a cold item) a vector from its text alone.
 */
public final class ServingGraph implements AutoCloseable {

  private final Graph graph;
  private final Session session;
  private final ServingParams params;
  private final Signature score;
  private final Signature sessionVector;
  private final Signature itemVectors;
  private final Signature fromText;

  private ServingGraph(ServingParams params) {
    this.params = params;
    this.graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      // Variables (not constants), so that the values live in the SavedModel's checkpoint.
      Variable<TFloat32> items =
          tf.withName("item_matrix").variable(tf.constant(params.itemVectors()));
      Operand<TFloat32> logScale =
          tf.withName("log_scale").variable(tf.constant(params.logScale()));
      TwoTowerGraph.SessionTower tower;
      if (params.attention() != null) {
        tower =
            TwoTowerGraph.SessionTower.attention(
                params
                    .attention()
                    .map(
                        (name, v) ->
                            (Operand<TFloat32>) tf.withName(name).variable(tf.constant(v))),
                logScale,
                params.historyLength(),
                params.dim());
      } else {
        tower =
            TwoTowerGraph.SessionTower.pooling(
                tf.withName("position_logits").variable(tf.constant(params.positionLogits())),
                tf.withName("dense").variable(tf.constant(params.dense())),
                tf.withName("bias").variable(tf.constant(params.bias())),
                logScale,
                params.historyLength(),
                params.dim());
      }
      Placeholder<TInt32> history =
          tf.withName(TowerSignatures.HISTORY_INPUT)
              .placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, params.historyLength())));
      Operand<TFloat32> sessions = TwoTowerGraph.sessionVectors(tf, history, items, tower);
      Operand<TFloat32> scores = TwoTowerGraph.logits(tf, sessions, items, tower);
      this.score =
          Signature.builder(TowerSignatures.SCORE)
              .input(TowerSignatures.HISTORY_INPUT, history)
              .output(
                  TowerSignatures.SCORES_OUTPUT,
                  tf.withName(TowerSignatures.SCORES_OUTPUT).identity(scores))
              .build();
      this.sessionVector =
          Signature.builder(TowerSignatures.SESSION_VECTOR)
              .input(TowerSignatures.HISTORY_INPUT, history)
              .output(
                  TowerSignatures.SESSION_VECTOR_OUTPUT,
                  tf.withName(TowerSignatures.SESSION_VECTOR_OUTPUT).identity(sessions))
              .build();
      this.itemVectors =
          Signature.builder(TowerSignatures.ITEM_VECTORS)
              .output(
                  TowerSignatures.ITEM_VECTORS_OUTPUT,
                  tf.withName(TowerSignatures.ITEM_VECTORS_OUTPUT).identity(items))
              .build();
      if (params.textProjection() != null) {
        float[][] w = params.textProjection();
        Variable<TFloat32> wText = tf.withName("w_text").variable(tf.constant(w));
        Placeholder<TFloat32> text =
            tf.withName(TowerSignatures.TEXT_INPUT)
                .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, w.length)));
        Operand<TFloat32> vectors =
            TwoTowerGraph.itemVectors(tf, null, null, tf.linalg.matMul(text, wText));
        this.fromText =
            Signature.builder(TowerSignatures.ITEM_VECTOR_FROM_TEXT)
                .input(TowerSignatures.TEXT_INPUT, text)
                .output(
                    TowerSignatures.ITEM_VECTOR_OUTPUT,
                    tf.withName(TowerSignatures.ITEM_VECTOR_OUTPUT).identity(vectors))
                .build();
      } else {
        this.fromText = null;
      }
      this.session = new Session(graph);
      session.initialize();
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /** Builds the serving graph and a session with its variables initialised. */
  public static ServingGraph build(ServingParams params) {
    return new ServingGraph(params);
  }

  /** Returns the session that runs this graph (closed with this object). */
  Session session() {
    return session;
  }

  /** Returns the {@value TowerSignatures#SCORE} signature. */
  Signature scoreSignature() {
    return score;
  }

  /**
   * Exports the SavedModel (tag {@code serve}) and {@link ModelFolder.Sizes} into {@code dir},
   * which must not exist or be empty.
   *
   * @throws IOException if the directory is not empty or cannot be written
   */
  public void export(Path dir, boolean useText) throws IOException {
    if (Files.isDirectory(dir)) {
      try (var entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw new IOException("export directory is not empty: " + dir.toAbsolutePath());
        }
      }
    }
    Files.createDirectories(dir);
    SavedModelBundle.Exporter exporter =
        SavedModelBundle.exporter(dir.toString())
            .withTags(SavedModelBundle.DEFAULT_TAG)
            .withFunction(SessionFunction.create(score, session))
            .withFunction(SessionFunction.create(sessionVector, session))
            .withFunction(SessionFunction.create(itemVectors, session));
    if (fromText != null) {
      exporter.withFunction(SessionFunction.create(fromText, session));
    }
    exporter.export();
    ModelFolder.at(dir)
        .writeSizes(
            ModelFolder.Sizes.of(params.numItems(), params.dim(), params.historyLength(), useText));
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
