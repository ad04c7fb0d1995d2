package io.carousel.offline.train;

import io.carousel.engine.tower.TowerSignatures;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Next-item examples cut from time-ordered sequences: every position {@code t >= 1} gives the
 * history {@code items[max(0, t-N) .. t-1]}, left-padded with {@link #PAD} to length N, and the
 * target {@code items[t]}. Histories are stored flat, {@code int[numExamples * N]}.
 */
public final class TrainingExamples {
  /** Padding value; the graph masks every negative index out of the pooling. */
  static final int PAD = TowerSignatures.PAD;

  private final int historyLength;
  private final int[] histories;
  private final int[] targets;

  private TrainingExamples(int historyLength, int[] histories, int[] targets) {
    this.historyLength = historyLength;
    this.histories = histories;
    this.targets = targets;
  }

  /**
   * Cuts every sequence into examples.
   *
   * @throws IllegalArgumentException if an item index is outside {@code [0, numItems)}
   */
  public static TrainingExamples from(List<int[]> sequences, int historyLength, int numItems) {
    int count = countExamples(sequences);
    int[] histories = new int[count * historyLength];
    int[] targets = new int[count];
    Arrays.fill(histories, PAD);
    int e = 0;
    for (int[] seq : sequences) {
      for (int item : seq) {
        if (item < 0 || item >= numItems) {
          throw new IllegalArgumentException(
              "item index " + item + " outside [0, " + numItems + ") in a training sequence");
        }
      }
      for (int t = 1; t < seq.length; t++) {
        int from = Math.max(0, t - historyLength);
        int len = t - from;
        System.arraycopy(seq, from, histories, e * historyLength + historyLength - len, len);
        targets[e++] = seq[t];
      }
    }
    return new TrainingExamples(historyLength, histories, targets);
  }

  /**
   * Builds one example per history: {@code histories[k]} (its last N items) predicting {@code
   * targets[k]}, e.g. the leave-one-out validation items.
   *
   * @throws IllegalArgumentException if the lengths differ or an index is outside {@code [0,
   *     numItems)}
   */
  public static TrainingExamples heldOut(
      List<int[]> histories, int[] targets, int historyLength, int numItems) {
    if (histories.size() != targets.length) {
      throw new IllegalArgumentException(
          histories.size() + " histories but " + targets.length + " targets");
    }
    int[] flat = new int[targets.length * historyLength];
    for (int k = 0; k < targets.length; k++) {
      for (int item : histories.get(k)) {
        checkIndex(item, numItems);
      }
      checkIndex(targets[k], numItems);
      TowerSignatures.padInto(histories.get(k), historyLength, flat, k * historyLength);
    }
    return new TrainingExamples(historyLength, flat, targets.clone());
  }

  private static void checkIndex(int item, int numItems) {
    if (item < 0 || item >= numItems) {
      throw new IllegalArgumentException(
          "item index " + item + " outside [0, " + numItems + ") in a held-out example");
    }
  }

  /** Returns the number of examples the sequences give: the sum of {@code max(0, length - 1)}. */
  public static int countExamples(List<int[]> sequences) {
    long count = 0;
    for (int[] seq : sequences) {
      count += Math.max(0, seq.length - 1);
    }
    if (count > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("too many training examples: " + count);
    }
    return (int) count;
  }

  /** Returns the number of examples. */
  public int size() {
    return targets.length;
  }

  /** Returns a permutation of the example indices, shuffled by Fisher-Yates with {@code rng}. */
  public int[] shuffledOrder(Random rng) {
    int[] order = new int[size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int i = order.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    return order;
  }

  /**
   * Copies the examples {@code order[from .. from+count-1]} into {@code historyOut} ({@code
   * int[count * N]}) and {@code targetOut} ({@code int[count]}).
   */
  public void gather(int[] order, int from, int count, int[] historyOut, int[] targetOut) {
    for (int k = 0; k < count; k++) {
      int e = order[from + k];
      System.arraycopy(histories, e * historyLength, historyOut, k * historyLength, historyLength);
      targetOut[k] = targets[e];
    }
  }
}
