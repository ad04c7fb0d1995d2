package io.carousel.offline.eval;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Matrix factorisation trained with Bayesian Personalized Ranking (Rendle et al., "BPR: Bayesian
 * Personalized Ranking from Implicit Feedback", UAI 2009, §4 LearnBPR): SGD on {@code ln σ(x_ui -
 * x_uj)} over bootstrap-sampled (user, seen item, unseen item) triples, L2 regularisation; item
 * bias included. Plain Java, deterministic under the seed.
 */
public final class BprMf implements Recommender {
  private final int factors;
  private final int epochs;
  private final double learningRate;
  private final double regularization;
  private final long seed;
  private float[][] user = new float[0][];
  private float[][] item = new float[0][];
  private float[] bias = new float[0];

  /**
   * Creates the model.
   *
   * @param factors latent dimension
   * @param epochs passes; each draws as many triples as there are fit interactions
   * @param learningRate SGD step size
   * @param regularization L2 weight on the factors and biases touched by a step
   * @param seed initial factors and the triple sampling
   */
  public BprMf(int factors, int epochs, double learningRate, double regularization, long seed) {
    this.factors = factors;
    this.epochs = epochs;
    this.learningRate = learningRate;
    this.regularization = regularization;
    this.seed = seed;
  }

  @Override
  public String name() {
    return "bpr-mf";
  }

  @Override
  public void fit(List<int[]> sequences, int numItems) {
    Random rng = new Random(seed);
    int numUsers = sequences.size();
    user = gaussian(rng, numUsers, factors);
    item = gaussian(rng, numItems, factors);
    bias = new float[numItems];
    int[][] seen = new int[numUsers][];
    List<Set<Integer>> sets = new java.util.ArrayList<>(numUsers);
    long total = 0;
    for (int u = 0; u < numUsers; u++) {
      seen[u] = Arrays.stream(sequences.get(u)).distinct().toArray();
      Set<Integer> set = new HashSet<>();
      for (int i : seen[u]) {
        set.add(i);
      }
      sets.add(set);
      total += seen[u].length;
    }
    int[] pairUser = new int[(int) total];
    int[] pairItem = new int[(int) total];
    int p = 0;
    for (int u = 0; u < numUsers; u++) {
      for (int i : seen[u]) {
        pairUser[p] = u;
        pairItem[p++] = i;
      }
    }
    float lr = (float) learningRate;
    float reg = (float) regularization;
    for (int epoch = 0; epoch < epochs; epoch++) {
      for (long step = 0; step < total; step++) {
        int k = rng.nextInt((int) total);
        int u = pairUser[k];
        int i = pairItem[k];
        if (sets.get(u).size() >= numItems) {
          continue;
        }
        int j;
        do {
          j = rng.nextInt(numItems);
        } while (sets.get(u).contains(j));
        float[] wu = user[u];
        float[] hi = item[i];
        float[] hj = item[j];
        float x = bias[i] - bias[j];
        for (int f = 0; f < factors; f++) {
          x += wu[f] * (hi[f] - hj[f]);
        }
        float g = (float) (1.0 / (1.0 + Math.exp(x)));
        bias[i] += lr * (g - reg * bias[i]);
        bias[j] += lr * (-g - reg * bias[j]);
        for (int f = 0; f < factors; f++) {
          float w = wu[f];
          wu[f] += lr * (g * (hi[f] - hj[f]) - reg * w);
          hi[f] += lr * (g * w - reg * hi[f]);
          hj[f] += lr * (-g * w - reg * hj[f]);
        }
      }
    }
  }

  private static float[][] gaussian(Random rng, int rows, int cols) {
    float[][] m = new float[rows][cols];
    for (float[] row : m) {
      for (int c = 0; c < cols; c++) {
        row[c] = (float) (rng.nextGaussian() * 0.1);
      }
    }
    return m;
  }

  @Override
  public float[][] score(int[] users, int[][] histories) {
    float[][] out = new float[users.length][item.length];
    // Users are independent; each row's sums run in the same order, so the scores do not change.
    java.util.stream.IntStream.range(0, users.length)
        .parallel()
        .forEach(
            b -> {
              float[] wu = user[users[b]];
              for (int i = 0; i < item.length; i++) {
                float s = bias[i];
                float[] hi = item[i];
                for (int f = 0; f < factors; f++) {
                  s += wu[f] * hi[f];
                }
                out[b][i] = s;
              }
            });
    return out;
  }
}
