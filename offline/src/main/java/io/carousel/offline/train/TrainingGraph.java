package io.carousel.offline.train;

import io.carousel.engine.model.ModelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.framework.optimizers.Adam;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * The training graph: both towers over the frozen text matrix (a graph constant), the full softmax
 * cross-entropy (plus the optional L2 penalty on the id embeddings) and an Adam step, in one
 * session. Initial weights come from a seeded {@link Random} in Java, so they do not depend on TF's
 * random ops.
 */
final class TrainingGraph implements AutoCloseable {
  /** Initial inverse temperature; learned from there (cosines times 10 start as logits). */
  static final float INITIAL_SCALE = 10f;

  private final Graph graph;
  private final Session session;
  private final int historyLength;
  private final Placeholder<TInt32> history;
  private final Placeholder<TInt32> targets;
  private final Operand<TFloat32> loss;
  private final Op trainStep;
  private final Operand<TFloat32> itemVectors;
  private final TwoTowerGraph.SessionTower tower;
  private final Operand<TFloat32> wText;

  /**
   * Builds the graph and initialises its variables.
   *
   * @param textVectors {@code float[numItems][textDim]}; only its length is used when {@code
   *     config.useText()} is false
   */
  TrainingGraph(float[][] textVectors, TwoTowerConfig config) {
    int numItems = textVectors.length;
    int dim = config.dim();
    this.historyLength = config.historyLength();
    Random rng = new Random(config.seed());
    this.graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      Operand<TFloat32> ids;
      if (config.useText()) {
        int textDim = textVectors[0].length;
        Operand<TFloat32> text = tf.withName("text_vectors").constant(textVectors);
        this.wText =
            read(
                tf,
                tf.withName("w_text")
                    .variable(tf.constant(gaussian(rng, textDim, dim, 1 / Math.sqrt(dim)))));
        ids =
            read(
                tf,
                tf.withName("id_embeddings")
                    .variable(tf.constant(gaussian(rng, numItems, dim, 0.1 / Math.sqrt(dim)))));
        this.itemVectors = TwoTowerGraph.itemVectors(tf, text, wText, ids);
      } else {
        this.wText = null;
        ids =
            read(
                tf,
                tf.withName("id_embeddings")
                    .variable(tf.constant(gaussian(rng, numItems, dim, 1 / Math.sqrt(dim)))));
        this.itemVectors = TwoTowerGraph.itemVectors(tf, null, null, ids);
      }
      Operand<TFloat32> logScale =
          read(tf, tf.withName("log_scale").variable(tf.constant((float) Math.log(INITIAL_SCALE))));
      if (config.tower() == SessionTowerType.ATTENTION) {
        this.tower =
            TwoTowerGraph.SessionTower.attention(
                AttentionTower.initial(rng, historyLength, dim)
                    .map((name, v) -> read(tf, tf.withName(name).variable(tf.constant(v)))),
                logScale,
                historyLength,
                dim);
      } else {
        this.tower =
            TwoTowerGraph.SessionTower.pooling(
                read(
                    tf,
                    tf.withName("position_logits").variable(tf.constant(new float[historyLength]))),
                read(
                    tf,
                    tf.withName("dense")
                        .variable(tf.constant(gaussian(rng, dim, dim, 0.1 / Math.sqrt(dim))))),
                read(tf, tf.withName("bias").variable(tf.constant(new float[dim]))),
                logScale,
                historyLength,
                dim);
      }
      this.history =
          tf.withName("history")
              .placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, historyLength)));
      this.targets =
          tf.withName("targets").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      Operand<TFloat32> sessions = TwoTowerGraph.sessionVectors(tf, history, itemVectors, tower);
      Operand<TFloat32> logits = TwoTowerGraph.logits(tf, sessions, itemVectors, tower);
      this.loss = TwoTowerGraph.crossEntropy(tf, logits, targets, numItems);
      Operand<TFloat32> objective = loss;
      if (config.idL2() > 0) {
        // λ · Σ‖E_i‖² / numItems: weight decay on the id embeddings only (W_text and the session
        // tower are not penalised); the reported loss stays the plain cross-entropy.
        Operand<TFloat32> penalty =
            tf.math.mul(
                tf.reduceSum(tf.math.square(ids), tf.constant(new int[] {0, 1})),
                tf.constant((float) (config.idL2() / numItems)));
        objective = tf.math.add(loss, penalty);
      }
      this.trainStep = adamStep(tf, new Adam(graph, (float) config.learningRate()), objective);
      // Bounded inside TrainingThreads.bounded (serve's background retrain), else TF's defaults.
      org.tensorflow.proto.ConfigProto sessionConfig = TrainingThreads.sessionConfig();
      this.session = sessionConfig == null ? new Session(graph) : new Session(graph, sessionConfig);
      session.initialize();
    } catch (RuntimeException e) {
      graph.close();
      throw new ModelException("cannot build the training graph: " + e.getMessage(), e);
    }
  }

  /**
   * Runs one Adam step on {@code count} examples and returns their mean loss (nats).
   *
   * @param histories {@code int[≥ count * N]}, row-major, left-padded
   * @param targetItems {@code int[≥ count]}
   */
  float step(int[] histories, int[] targetItems, int count) {
    return run(histories, targetItems, count, true);
  }

  /** Returns the mean loss (nats) of {@code count} examples without changing the weights. */
  float evaluate(int[] histories, int[] targetItems, int count) {
    return run(histories, targetItems, count, false);
  }

  private float run(int[] histories, int[] targetItems, int count, boolean train) {
    try (TInt32 h =
            TInt32.tensorOf(
                Shape.of(count, historyLength),
                DataBuffers.of(histories, true, false).narrow((long) count * historyLength));
        TInt32 t =
            TInt32.tensorOf(
                Shape.of(count), DataBuffers.of(targetItems, true, false).narrow(count))) {
      Session.Runner runner = session.runner().feed(history, h).feed(targets, t).fetch(loss);
      if (train) {
        runner.addTarget(trainStep);
      }
      try (Result result = runner.run()) {
        return ((TFloat32) result.get(0)).getFloat();
      }
    }
  }

  /** Copies the current weights that serving needs out of the session. */
  ServingParams servingParams() {
    Session.Runner runner = session.runner().fetch(itemVectors).fetch(tower.logScale());
    if (wText != null) {
      runner.fetch(wText);
    }
    List<Operand<TFloat32>> towerWeights =
        tower.attention() != null
            ? tower.attention().all()
            : List.of(tower.positionLogits(), tower.dense(), tower.bias());
    towerWeights.forEach(runner::fetch);
    try (Result r = runner.run()) {
      float[][] items = StdArrays.array2dCopyOf((TFloat32) r.get(0));
      float logScale = ((TFloat32) r.get(1)).getFloat();
      float[][] text = wText == null ? null : StdArrays.array2dCopyOf((TFloat32) r.get(2));
      int first = wText == null ? 2 : 3;
      if (tower.attention() != null) {
        List<float[][]> values = new ArrayList<>();
        for (int k = 0; k < towerWeights.size(); k++) {
          values.add(StdArrays.array2dCopyOf((TFloat32) r.get(first + k)));
        }
        return new ServingParams(
            items, null, null, null, logScale, text, AttentionTower.Weights.of(values));
      }
      return new ServingParams(
          items,
          StdArrays.array1dCopyOf((TFloat32) r.get(first)),
          StdArrays.array2dCopyOf((TFloat32) r.get(first + 1)),
          StdArrays.array1dCopyOf((TFloat32) r.get(first + 2)),
          logScale,
          text);
    }
  }

  /**
   * Returns one Adam step on {@code loss} that updates no variable before every gradient is done.
   * With {@code Optimizer.minimize} an in-place {@code ApplyAdam} on one variable may run while
   * another gradient still reads that variable's buffer: an {@code Identity} of a reference
   * variable aliases the buffer instead of copying it.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Op adamStep(Ops tf, Adam adam, Operand<TFloat32> loss) {
    List<Optimizer.GradAndVar<?>> grads = adam.computeGradients(loss);
    List<Op> gradOps = new ArrayList<>();
    for (Optimizer.GradAndVar<?> g : grads) {
      gradOps.add(tf.identity((Operand) g.getGradient()));
    }
    Ops afterGrads = tf.withControlDependencies(gradOps);
    List<Optimizer.GradAndVar<? extends TType>> gated = new ArrayList<>();
    for (Optimizer.GradAndVar<?> g : grads) {
      gated.add(
          new Optimizer.GradAndVar(
              afterGrads.identity((Operand) g.getGradient()).asOutput(), g.getVariable()));
    }
    return adam.applyGradients(gated, "adam");
  }

  /**
   * Returns the variable's value as a plain tensor. TF-Java 1.1.0 variables are reference-typed;
   * when a ref output feeds two ops, {@code Graph.addGradients} crashes the JVM (SIGSEGV in {@code
   * Node::output_type}), so every variable is read through one {@code Identity} first.
   */
  private static Operand<TFloat32> read(Ops tf, Operand<TFloat32> variable) {
    return tf.identity(variable);
  }

  private static float[][] gaussian(Random rng, int rows, int cols, double std) {
    float[][] m = new float[rows][cols];
    for (float[] row : m) {
      for (int j = 0; j < cols; j++) {
        row[j] = (float) (rng.nextGaussian() * std);
      }
    }
    return m;
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
