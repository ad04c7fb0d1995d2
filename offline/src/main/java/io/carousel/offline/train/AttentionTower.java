package io.carousel.offline.train;

import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceMax;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The self-attention session tower as graph ops, shared by the training and the serving graph: one
 * single-head causal self-attention block of SASRec (Kang and McAuley, "Self-Attentive Sequential
 * Recommendation", ICDM 2018, §III-B embedding with learned positions, §III-C self-attention and
 * point-wise feed-forward layer, §III-D residual connections and layer normalisation).
 *
 * <p>For a history {@code int[B][N]} (left-padded with negative indices, most recent item last):
 *
 * <pre>
 *   x_t  = (v_{h_t} + P_t) · m_t                 m_t = 1 for an item, 0 for padding    [B][N][dim]
 *   z_t  = LN1(x_t) · m_t
 *   q    = z_N · W_Q,  k_t = z_t · W_K,  u_t = x_t · W_V
 *   a_t  = softmax over {t : m_t = 1} of q · k_t / sqrt(dim)                             [B][N]
 *   h    = x_N + Σ_t a_t u_t
 *   s    = normalize(h + ReLU(LN2(h) · W_1 + b_1) · W_2 + b_2)                          [B][dim]
 * </pre>
 *
 * Layer normalisation sits before each sub-layer (pre-norm, Xiong et al., ICML 2020) rather than
 * after it as in SASRec, so that the residual stream keeps the most recent item's own vector: the
 * untrained block scores items by their cosine with the last item, and training adds to that.
 * Values read {@code x} rather than {@code z} and W_V starts as the identity, so the untrained
 * block is "last item plus a near-uniform mean of the history" (small W_Q, W_K), the pooling
 * tower's function: on sparse logs, where one or two epochs are all the data supports, the block
 * starts from the co-occurrence signal of every history item instead of from random values. Only
 * the most recent position's output is used (it predicts the next item), and causality lets that
 * position attend to every earlier one, so the causal mask reduces to the padding mask on the keys.
 * An empty history gives {@code x = 0}, hence {@code s = normalize(FFN(LN2(0)))}. Only plain ops
 * with gradients registered in TF-Java 1.1.0 are used: matrix products on {@code [B·N][dim]},
 * element-wise ops and reductions; no {@code BatchMatMul}, {@code Softmax} or {@code Gather} along
 * axis 1.
 */
public final class AttentionTower {
  /** Added to the variance in layer normalisation. */
  static final float NORM_EPSILON = 1e-6f;

  /** Subtracted from the attention logit of a padded key before the max, so it never wins. */
  private static final float MASK_PENALTY = 1e4f;

  /**
   * The block's weights: {@code float[N][dim]} positions, {@code float[dim][dim]} matrices and
   * {@code float[1][dim]} gains and biases (row vectors, so that they broadcast over the batch).
   *
   * @param <T> {@code float[][]} for values, {@code Operand<TFloat32>} inside a graph
   */
  public record Weights<T>(
      T positions,
      T query,
      T key,
      T value,
      T norm1Gain,
      T norm1Bias,
      T ffnIn,
      T ffnInBias,
      T ffnOut,
      T ffnOutBias,
      T norm2Gain,
      T norm2Bias) {

    /** Graph names of the variables, in the order of {@link #all()}. */
    static final List<String> NAMES =
        List.of(
            "attention_positions",
            "attention_query",
            "attention_key",
            "attention_value",
            "attention_norm1_gain",
            "attention_norm1_bias",
            "attention_ffn_in",
            "attention_ffn_in_bias",
            "attention_ffn_out",
            "attention_ffn_out_bias",
            "attention_norm2_gain",
            "attention_norm2_bias");

    /** Returns the twelve weights in declaration order. */
    public List<T> all() {
      return List.of(
          positions,
          query,
          key,
          value,
          norm1Gain,
          norm1Bias,
          ffnIn,
          ffnInBias,
          ffnOut,
          ffnOutBias,
          norm2Gain,
          norm2Bias);
    }

    /** Builds weights from twelve values in the order of {@link #all()}. */
    public static <T> Weights<T> of(List<T> w) {
      if (w.size() != NAMES.size()) {
        throw new IllegalArgumentException(
            "expected " + NAMES.size() + " attention weights, got " + w.size());
      }
      return new Weights<>(
          w.get(0), w.get(1), w.get(2), w.get(3), w.get(4), w.get(5), w.get(6), w.get(7), w.get(8),
          w.get(9), w.get(10), w.get(11));
    }

    /** Returns {@code f(name, weight)} applied to every weight. */
    public <U> Weights<U> map(BiFunction<String, T, U> f) {
      List<T> a = all();
      List<U> out = new java.util.ArrayList<>(a.size());
      for (int k = 0; k < a.size(); k++) {
        out.add(f.apply(NAMES.get(k), a.get(k)));
      }
      return of(out);
    }
  }

  private AttentionTower() {}

  /**
   * Returns seeded initial weights: positions {@code N(0, 0.01²/dim)} (norm about 0.01 beside the
   * unit item vectors), W_Q and W_K {@code N(0, 0.1²/dim)} (near-uniform attention), W_V the
   * identity, W_1 {@code N(0, 1/dim)} (norm-preserving), W_2 {@code N(0, 0.1²/dim²)} (output norm
   * about 0.1), gains 1, biases 0.
   */
  public static Weights<float[][]> initial(Random rng, int historyLength, int dim) {
    double unit = 1 / Math.sqrt(dim);
    float[][] ones = new float[1][dim];
    java.util.Arrays.fill(ones[0], 1f);
    float[][] identity = new float[dim][dim];
    for (int d = 0; d < dim; d++) {
      identity[d][d] = 1f;
    }
    return new Weights<>(
        gaussian(rng, historyLength, dim, 0.01 * unit),
        gaussian(rng, dim, dim, 0.1 * unit),
        gaussian(rng, dim, dim, 0.1 * unit),
        identity,
        ones,
        new float[1][dim],
        gaussian(rng, dim, dim, unit),
        new float[1][dim],
        gaussian(rng, dim, dim, 0.1 / dim),
        new float[1][dim],
        copy(ones),
        new float[1][dim]);
  }

  /**
   * Returns the session vectors {@code float[B][dim]} of {@code history} {@code int[B][N]} over
   * {@code itemVectors} {@code float[numItems][dim]}; see the class comment for the function.
   */
  static Operand<TFloat32> sessionVectors(
      Ops tf,
      Operand<TInt32> history,
      Operand<TFloat32> itemVectors,
      Weights<Operand<TFloat32>> w,
      int historyLength,
      int dim) {
    Operand<TFloat32> mask =
        tf.dtypes.cast(tf.math.greaterEqual(history, tf.constant(0)), TFloat32.class);
    Operand<TFloat32> mask3 = tf.expandDims(mask, tf.constant(2));
    Operand<TInt32> safe = tf.math.maximum(history, tf.constant(0));
    Operand<TFloat32> items = tf.gather(itemVectors, safe, tf.constant(0));
    // [B][N][dim]: item plus position, padded rows zero.
    Operand<TFloat32> x =
        tf.math.mul(tf.math.add(items, tf.expandDims(w.positions(), tf.constant(0))), mask3);
    // The most recent position, selected by a one-hot sum (gradients of Gather on axis 1 are not
    // registered in TF-Java 1.1.0).
    float[][][] lastHot = new float[1][historyLength][1];
    lastHot[0][historyLength - 1][0] = 1f;
    Operand<TFloat32> last = tf.reduceSum(tf.math.mul(x, tf.constant(lastHot)), tf.constant(1));
    // Pre-norm (Xiong et al., "On Layer Normalization in the Transformer Architecture", ICML 2020,
    // §3): queries, keys and values read LN1(x), re-masked because LN of a zero row is its bias.
    Operand<TFloat32> normed = tf.math.mul(layerNorm(tf, x, w.norm1Gain(), w.norm1Bias()), mask3);
    Operand<TFloat32> normedLast =
        tf.reduceSum(tf.math.mul(normed, tf.constant(lastHot)), tf.constant(1));
    Operand<TFloat32> q = tf.linalg.matMul(normedLast, w.query());
    Operand<TFloat32> k = perPosition(tf, normed, w.key(), historyLength, dim);
    // Values read x itself, so that with W_V = I at the start the block is "last item plus an
    // attention-weighted mean of the history", the pooling tower's function.
    Operand<TFloat32> v = perPosition(tf, x, w.value(), historyLength, dim);
    // [B][N] attention logits q · k_t / sqrt(dim), softmax over the non-padded keys.
    Operand<TFloat32> logits =
        tf.math.mul(
            tf.reduceSum(tf.math.mul(k, tf.expandDims(q, tf.constant(1))), tf.constant(2)),
            tf.constant((float) (1 / Math.sqrt(dim))));
    Operand<TFloat32> penalised =
        tf.math.sub(
            logits, tf.math.mul(tf.math.sub(tf.constant(1f), mask), tf.constant(MASK_PENALTY)));
    Operand<TFloat32> max =
        tf.stopGradient(tf.reduceMax(penalised, tf.constant(1), ReduceMax.keepDims(true)));
    Operand<TFloat32> exp = tf.math.mul(tf.math.exp(tf.math.sub(penalised, max)), mask);
    Operand<TFloat32> total = tf.reduceSum(exp, tf.constant(1), ReduceSum.keepDims(true));
    Operand<TFloat32> weights =
        tf.math.div(exp, tf.math.add(total, tf.constant(TwoTowerGraph.POOL_EPSILON)));
    Operand<TFloat32> attended =
        tf.reduceSum(tf.math.mul(v, tf.expandDims(weights, tf.constant(2))), tf.constant(1));
    // Residual stream: the most recent item itself, plus attention, plus the feed-forward layer.
    Operand<TFloat32> h = tf.math.add(last, attended);
    Operand<TFloat32> inner =
        tf.nn.relu(
            tf.math.add(
                tf.linalg.matMul(layerNorm(tf, h, w.norm2Gain(), w.norm2Bias()), w.ffnIn()),
                w.ffnInBias()));
    Operand<TFloat32> ffn = tf.math.add(tf.linalg.matMul(inner, w.ffnOut()), w.ffnOutBias());
    return TwoTowerGraph.l2Normalize(tf, tf.math.add(h, ffn));
  }

  /** Returns {@code x · m} per position: {@code float[B][N][dim]} times {@code float[dim][dim]}. */
  private static Operand<TFloat32> perPosition(
      Ops tf, Operand<TFloat32> x, Operand<TFloat32> m, int historyLength, int dim) {
    Operand<TFloat32> flat = tf.reshape(x, tf.constant(new int[] {-1, dim}));
    return tf.reshape(tf.linalg.matMul(flat, m), tf.constant(new int[] {-1, historyLength, dim}));
  }

  /**
   * Returns layer normalisation along the last axis ({@code float[B][dim]} or {@code
   * float[B][N][dim]}): {@code (x - mean) / sqrt(var + eps) · gain + bias} (Ba et al., "Layer
   * Normalization", 2016, §3).
   */
  static Operand<TFloat32> layerNorm(
      Ops tf, Operand<TFloat32> x, Operand<TFloat32> gain, Operand<TFloat32> bias) {
    Operand<TFloat32> mean = tf.math.mean(x, tf.constant(-1), Mean.keepDims(true));
    Operand<TFloat32> centred = tf.math.sub(x, mean);
    Operand<TFloat32> variance =
        tf.math.mean(tf.math.square(centred), tf.constant(-1), Mean.keepDims(true));
    Operand<TFloat32> scaled =
        tf.math.mul(centred, tf.math.rsqrt(tf.math.add(variance, tf.constant(NORM_EPSILON))));
    return tf.math.add(tf.math.mul(scaled, gain), bias);
  }

  static float[][] gaussian(Random rng, int rows, int cols, double std) {
    float[][] m = new float[rows][cols];
    for (float[] row : m) {
      for (int j = 0; j < cols; j++) {
        row[j] = (float) (rng.nextGaussian() * std);
      }
    }
    return m;
  }

  private static float[][] copy(float[][] m) {
    float[][] out = new float[m.length][];
    for (int i = 0; i < m.length; i++) {
      out[i] = m[i].clone();
    }
    return out;
  }
}
