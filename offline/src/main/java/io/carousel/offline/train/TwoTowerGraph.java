package io.carousel.offline.train;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceMax;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The forward pass of the two-tower model as graph ops, shared by the training graph and the
 * serving graph so that both compute exactly the same function.
 *
 * <p>Item tower: {@code v_i = normalize(T_i · W_text + E_i)}. Session tower: either {@link
 * AttentionTower} (a SASRec self-attention block) or softmax-weighted pooling of the history's item
 * vectors with one learned logit per position (padded positions masked out), then {@code h = p · D
 * + b + p} (dense layer with residual) and {@code s = normalize(h)}. Score: {@code exp(logScale) ·
 * s · Vᵀ}, a cosine with a learned inverse temperature (Covington et al., "Deep Neural Networks for
 * YouTube Recommendations", RecSys 2016, §3; Yi et al., "Sampling-Bias-Corrected Neural Modeling",
 * RecSys 2019, §3 for the normalised, temperature scaled dot product).
 */
public final class TwoTowerGraph {
  /** Added under the square root of L2 normalisation so that a zero vector maps to zero. */
  static final float NORM_EPSILON = 1e-12f;

  /** Added to the pooling weights' denominator so that an empty history pools to zero. */
  static final float POOL_EPSILON = 1e-9f;

  /**
   * Weights of the session tower: the pooling weights, or the attention block's (the others null).
   *
   * @param positionLogits {@code float[N]}, position N-1 is the most recent item (pooling)
   * @param dense {@code float[dim][dim]} (pooling)
   * @param bias {@code float[dim]} (pooling)
   * @param logScale scalar, log of the inverse temperature (both)
   * @param attention the self-attention block (attention tower), see {@link AttentionTower}
   * @param historyLength N
   * @param dim vector width
   */
  public record SessionTower(
      Operand<TFloat32> positionLogits,
      Operand<TFloat32> dense,
      Operand<TFloat32> bias,
      Operand<TFloat32> logScale,
      AttentionTower.Weights<Operand<TFloat32>> attention,
      int historyLength,
      int dim) {

    /** The pooling tower. */
    public static SessionTower pooling(
        Operand<TFloat32> positionLogits,
        Operand<TFloat32> dense,
        Operand<TFloat32> bias,
        Operand<TFloat32> logScale,
        int historyLength,
        int dim) {
      return new SessionTower(positionLogits, dense, bias, logScale, null, historyLength, dim);
    }

    /** The attention tower. */
    public static SessionTower attention(
        AttentionTower.Weights<Operand<TFloat32>> attention,
        Operand<TFloat32> logScale,
        int historyLength,
        int dim) {
      return new SessionTower(null, null, null, logScale, attention, historyLength, dim);
    }
  }

  private TwoTowerGraph() {}

  /** Returns {@code x / sqrt(sum(x²) + eps)} along axis 1 of a {@code [rows][cols]} matrix. */
  static Operand<TFloat32> l2Normalize(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> squares =
        tf.reduceSum(tf.math.square(x), tf.constant(1), ReduceSum.keepDims(true));
    return tf.math.mul(x, tf.math.rsqrt(tf.math.add(squares, tf.constant(NORM_EPSILON))));
  }

  /**
   * Returns the item vectors {@code float[numItems][dim]}: {@code normalize(text · wText + ids)},
   * or {@code normalize(ids)} when {@code text} is null.
   */
  public static Operand<TFloat32> itemVectors(
      Ops tf, Operand<TFloat32> text, Operand<TFloat32> wText, Operand<TFloat32> ids) {
    Operand<TFloat32> raw = text == null ? ids : tf.math.add(tf.linalg.matMul(text, wText), ids);
    return l2Normalize(tf, raw);
  }

  /**
   * Returns the session vectors {@code float[B][dim]} for {@code history} {@code int[B][N]}
   * (left-padded with negative indices, most recent item last): {@link AttentionTower} when {@code
   * w} holds attention weights, else the pooling tower, where an all-padding history pools to zero,
   * so its vector is {@code normalize(bias)}.
   */
  public static Operand<TFloat32> sessionVectors(
      Ops tf, Operand<TInt32> history, Operand<TFloat32> itemVectors, SessionTower w) {
    if (w.attention() != null) {
      return AttentionTower.sessionVectors(
          tf, history, itemVectors, w.attention(), w.historyLength(), w.dim());
    }
    Operand<TFloat32> mask =
        tf.dtypes.cast(tf.math.greaterEqual(history, tf.constant(0)), TFloat32.class);
    Operand<TInt32> safe = tf.math.maximum(history, tf.constant(0));
    // [B][N][dim]
    Operand<TFloat32> items = tf.gather(itemVectors, safe, tf.constant(0));
    // Softmax over the non-padded positions only: exp(logit) masked, then divided by its sum.
    Operand<TFloat32> expLogits = tf.expandDims(tf.math.exp(w.positionLogits()), tf.constant(0));
    Operand<TFloat32> masked = tf.math.mul(expLogits, mask);
    Operand<TFloat32> total = tf.reduceSum(masked, tf.constant(1), ReduceSum.keepDims(true));
    Operand<TFloat32> weights = tf.math.div(masked, tf.math.add(total, tf.constant(POOL_EPSILON)));
    Operand<TFloat32> pooled =
        tf.reduceSum(tf.math.mul(items, tf.expandDims(weights, tf.constant(2))), tf.constant(1));
    Operand<TFloat32> hidden =
        tf.math.add(tf.math.add(tf.linalg.matMul(pooled, w.dense()), w.bias()), pooled);
    return l2Normalize(tf, hidden);
  }

  /** Returns the logits {@code float[B][numItems]} = {@code exp(logScale) · sessions · itemsᵀ}. */
  public static Operand<TFloat32> logits(
      Ops tf, Operand<TFloat32> sessions, Operand<TFloat32> itemVectors, SessionTower w) {
    Operand<TFloat32> cosines = tf.linalg.matMul(sessions, itemVectors, MatMul.transposeB(true));
    return tf.math.mul(cosines, tf.math.exp(w.logScale()));
  }

  /**
   * Returns the mean full-softmax cross-entropy (scalar) of {@code logits} {@code float[B][C]}
   * against {@code targets} {@code int[B]}, written as {@code logsumexp(logits) - logits[target]}
   * because {@code SparseSoftmaxCrossEntropyWithLogits} has no registered gradient in TF-Java.
   */
  public static Operand<TFloat32> crossEntropy(
      Ops tf, Operand<TFloat32> logits, Operand<TInt32> targets, int numClasses) {
    Operand<TFloat32> max =
        tf.stopGradient(tf.reduceMax(logits, tf.constant(1), ReduceMax.keepDims(true)));
    Operand<TFloat32> sumExp =
        tf.reduceSum(
            tf.math.exp(tf.math.sub(logits, max)), tf.constant(1), ReduceSum.keepDims(true));
    Operand<TFloat32> logSumExp = tf.math.add(tf.math.log(sumExp), max);
    Operand<TFloat32> oneHot =
        tf.oneHot(targets, tf.constant(numClasses), tf.constant(1f), tf.constant(0f));
    Operand<TFloat32> targetLogit =
        tf.reduceSum(tf.math.mul(logits, oneHot), tf.constant(1), ReduceSum.keepDims(true));
    return tf.math.mean(tf.math.sub(logSumExp, targetLogit), tf.constant(new int[] {0, 1}));
  }
}
