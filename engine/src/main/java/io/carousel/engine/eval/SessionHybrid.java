package io.carousel.engine.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Carousel's session scoring with the two terms the session benchmark calls for, a mixture of three
 * next-item distributions (the repeat/explore mixture of RepeatNet, Ren et al. AAAI 2019, with
 * fixed mixture weights):
 *
 * <pre>
 *   p(i) = a · softmax(carousel(i) / τ) + b · knn(i) / Σ knn + c · r(i),   a + b + c = 1
 * </pre>
 *
 * where {@code carousel} is the shipped score (tower logit plus the wide co-visitation terms,
 * {@link CarouselRecommender}), {@code knn} the session-kNN votes ({@link SessionKnn}) and {@code
 * r} the repeat term ({@link RepeatTerm}). Each part is a distribution, so the weights are shares
 * and do not depend on the scale of a part. The weights, τ, the repeat decay and the neighbour
 * position decay are chosen by {@link #tune} on validation cases that come from the training
 * sessions only.
 */
public final class SessionHybrid implements Recommender {
  /**
   * One setting.
   *
   * @param tower a, share of the carousel distribution
   * @param knn b, share of the session-kNN distribution
   * @param repeat c, share of the repeat distribution
   * @param temperature τ of the carousel softmax
   * @param repeatDecay decay of {@link RepeatTerm}
   * @param positionDecay λ of {@link SessionKnn}'s neighbour position weighting (0: none)
   */
  public record Setting(
      float tower,
      float knn,
      float repeat,
      float temperature,
      float repeatDecay,
      float positionDecay) {
    /** Returns the setting, human-readable. */
    public String describe() {
      return String.format(
          Locale.ROOT,
          "shares tower %.1f / knn %.1f / repeat %.1f, tau %.2g, repeat decay %.2g, knn position"
              + " decay %.2g",
          tower,
          knn,
          repeat,
          temperature,
          repeatDecay,
          positionDecay);
    }
  }

  /**
   * The grid {@link #tune} searches: every share triple on the simplex with step {@code 1 / steps},
   * times the listed values.
   */
  public record Grid(
      int steps, float[] temperatures, float[] repeatDecays, float[] positionDecays) {
    /**
     * The grid of the benchmark runs: shares in steps of 0.05, τ in {1, 2, 4}, repeat decay in
     * {0.5, 0.8, 1}, position decay λ in {0, 2, 5, 10}. Widened once, after the first runs' {@code
     * (0.1 steps, τ ≤ 2, λ ≤ 5)} validation choices sat on its edges (a choice made on validation
     * cases only).
     */
    public static Grid standard() {
      return new Grid(
          20, new float[] {1f, 2f, 4f}, new float[] {0.5f, 0.8f, 1f}, new float[] {0, 2, 5, 10});
    }
  }

  /**
   * A tuning result.
   *
   * @param best the chosen setting
   * @param pAt20 its validation P@20
   * @param mrrAt20 its validation MRR@20
   * @param cases validation cases scored
   */
  public record Tuned(Setting best, double pAt20, double mrrAt20, int cases) {}

  private final Recommender carousel;
  private final int k;
  private final int sampleSize;
  private final Setting setting;
  private SessionKnn knn;
  private int numItems;

  /**
   * Creates the mixture.
   *
   * @param carousel the fitted carousel model, or null when the tower share is 0
   * @param k neighbours of the session-kNN part
   * @param sampleSize candidate sessions of the session-kNN part
   */
  public SessionHybrid(Recommender carousel, int k, int sampleSize, Setting setting) {
    if (carousel == null && setting.tower() > 0) {
      throw new IllegalArgumentException("a tower share above 0 needs the carousel model");
    }
    this.carousel = carousel;
    this.k = k;
    this.sampleSize = sampleSize;
    this.setting = setting;
  }

  @Override
  public String name() {
    return "carousel+";
  }

  /** Returns the setting in use. */
  public Setting setting() {
    return setting;
  }

  /**
   * Fits the session-kNN part only: the carousel model is fitted (or its wide terms refitted) by
   * the caller, because its towers are the expensive part.
   */
  @Override
  public void fit(List<int[]> sequences, int numItems) {
    this.numItems = numItems;
    knn = new SessionKnn(k, sampleSize, setting.positionDecay());
    knn.fit(sequences, numItems);
  }

  @Override
  public float[][] score(int[] users, int[][] histories) {
    float[][] out =
        setting.tower() > 0
            ? carousel.score(users, histories)
            : new float[histories.length][numItems];
    float[][] votes = knn.score(users, histories);
    for (int b = 0; b < histories.length; b++) {
      float[] row = out[b];
      if (setting.tower() > 0) {
        softmax(row, setting.temperature());
        scale(row, setting.tower());
      } else {
        Arrays.fill(row, 0);
      }
      float[] v = votes[b];
      double sum = 0;
      for (float x : v) {
        sum += x;
      }
      if (sum > 0) {
        float f = (float) (setting.knn() / sum);
        for (int j = 0; j < numItems; j++) {
          row[j] += f * v[j];
        }
      }
      RepeatTerm.add(histories[b], setting.repeatDecay(), setting.repeat(), row);
    }
    return out;
  }

  private static void scale(float[] row, float f) {
    for (int j = 0; j < row.length; j++) {
      row[j] *= f;
    }
  }

  /** Replaces {@code row} by {@code softmax(row / temperature)}. */
  static void softmax(float[] row, float temperature) {
    float max = Float.NEGATIVE_INFINITY;
    for (float x : row) {
      max = Math.max(max, x);
    }
    double sum = 0;
    for (int j = 0; j < row.length; j++) {
      row[j] = (float) Math.exp((row[j] - max) / temperature);
      sum += row[j];
    }
    float f = (float) (1 / sum);
    for (int j = 0; j < row.length; j++) {
      row[j] *= f;
    }
  }

  /**
   * Chooses the setting with the best validation P@20 + MRR@20 (both in [0, 1]) over {@code grid}.
   * Every part is fitted on {@code fit}, the carousel model already (null: tower share 0 only).
   * Exact ranks of the target under each mixture without a dense pass per setting: only the items
   * with a kNN or repeat mass ({@code S}) mix; an item outside {@code S} scores {@code a · pc(j)},
   * counted by a binary search in the sorted carousel distribution. Ties count against the target.
   */
  public static Tuned tune(
      Recommender fittedCarousel,
      List<int[]> fit,
      int numItems,
      List<int[]> histories,
      int[] targets,
      int k,
      int sampleSize,
      Grid grid) {
    List<float[]> shares = new ArrayList<>();
    for (int a = 0; a <= grid.steps(); a++) {
      for (int b = 0; a + b <= grid.steps(); b++) {
        int c = grid.steps() - a - b;
        if (a > 0 && fittedCarousel == null) {
          continue;
        }
        shares.add(
            new float[] {
              a / (float) grid.steps(), b / (float) grid.steps(), c / (float) grid.steps()
            });
      }
    }
    float[] temps = fittedCarousel == null ? new float[] {1f} : grid.temperatures();
    float[] rdecays = grid.repeatDecays();
    float[] pdecays = grid.positionDecays();
    int settings = temps.length * rdecays.length * pdecays.length * shares.size();
    double[] hits = new double[settings];
    double[] mrr = new double[settings];
    SessionKnn[] knns = new SessionKnn[pdecays.length];
    for (int l = 0; l < pdecays.length; l++) {
      knns[l] = new SessionKnn(k, sampleSize, pdecays[l]);
      knns[l].fit(fit, numItems);
    }
    int n = histories.size();
    for (int from = 0; from < n; from += Evaluator.BATCH) {
      int count = Math.min(Evaluator.BATCH, n - from);
      int[][] batch = histories.subList(from, from + count).toArray(new int[0][]);
      int[] users = new int[count];
      float[][] car = fittedCarousel == null ? null : fittedCarousel.score(users, batch);
      float[][][] votes = new float[pdecays.length][][];
      for (int l = 0; l < pdecays.length; l++) {
        votes[l] = knns[l].score(users, batch);
      }
      int base = from;
      double[][] partHits = new double[count][];
      double[][] partMrr = new double[count][];
      IntStream.range(0, count)
          .parallel()
          .forEach(
              b -> {
                double[] h = new double[settings];
                double[] m = new double[settings];
                caseRanks(
                    car == null ? null : car[b],
                    votes,
                    b,
                    batch[b],
                    targets[base + b],
                    numItems,
                    temps,
                    rdecays,
                    shares,
                    h,
                    m);
                partHits[b] = h;
                partMrr[b] = m;
              });
      for (int b = 0; b < count; b++) {
        for (int s = 0; s < settings; s++) {
          hits[s] += partHits[b][s];
          mrr[s] += partMrr[b][s];
        }
      }
    }
    int best = 0;
    for (int s = 1; s < settings; s++) {
      if (hits[s] + mrr[s] > hits[best] + mrr[best]) {
        best = s;
      }
    }
    int si = best % shares.size();
    int rest = best / shares.size();
    int ri = rest % rdecays.length;
    rest /= rdecays.length;
    int li = rest % pdecays.length;
    int ti = rest / pdecays.length;
    float[] sh = shares.get(si);
    Setting chosen = new Setting(sh[0], sh[1], sh[2], temps[ti], rdecays[ri], pdecays[li]);
    return new Tuned(chosen, hits[best] / Math.max(1, n), mrr[best] / Math.max(1, n), n);
  }

  /** Index layout: ((ti · P + li) · R + ri) · S + si. */
  private static void caseRanks(
      float[] carouselRow,
      float[][][] votes,
      int b,
      int[] history,
      int target,
      int numItems,
      float[] temps,
      float[] rdecays,
      List<float[]> shares,
      double[] hits,
      double[] mrr) {
    int pn = votes.length;
    int rn = rdecays.length;
    int sn = shares.size();
    for (int ti = 0; ti < temps.length; ti++) {
      float[] pc = null;
      float[] sorted = null;
      if (carouselRow != null) {
        pc = carouselRow.clone();
        softmax(pc, temps[ti]);
        sorted = pc.clone();
        Arrays.sort(sorted);
      }
      for (int li = 0; li < pn; li++) {
        float[] v = votes[li][b];
        double sum = 0;
        int nonzero = 0;
        for (float x : v) {
          if (x > 0) {
            sum += x;
            nonzero++;
          }
        }
        // S: items with a vote or in the history; the target last if in neither.
        float[] rep0 = new float[numItems];
        int[] set = new int[nonzero + history.length + 1];
        int size = 0;
        for (int j = 0; j < numItems; j++) {
          if (v[j] > 0) {
            set[size++] = j;
          }
        }
        for (int i : history) {
          if (v[i] <= 0 && rep0[i] == 0) {
            rep0[i] = 1;
            set[size++] = i;
          }
        }
        int setSize = size;
        boolean targetIn = false;
        for (int p = 0; p < setSize; p++) {
          targetIn |= set[p] == target;
        }
        float[] kv = new float[setSize];
        float[] cv = new float[setSize];
        for (int p = 0; p < setSize; p++) {
          kv[p] = sum > 0 ? (float) (v[set[p]] / sum) : 0;
          cv[p] = pc == null ? 0 : pc[set[p]];
        }
        float kt = sum > 0 ? (float) (v[target] / sum) : 0;
        float ct = pc == null ? 0 : pc[target];
        for (int ri = 0; ri < rn; ri++) {
          float[] rep = new float[numItems];
          RepeatTerm.add(history, rdecays[ri], 1f, rep);
          float[] rv = new float[setSize];
          for (int p = 0; p < setSize; p++) {
            rv[p] = rep[set[p]];
          }
          float rt = rep[target];
          int offset = ((ti * pn + li) * rn + ri) * sn;
          for (int si = 0; si < sn; si++) {
            float[] w = shares.get(si);
            float t = w[0] * ct + w[1] * kt + w[2] * rt;
            if (t <= 0) {
              continue; // the target has no mass: tied with the mass-less items, a miss
            }
            int rank = 0;
            int inSetAboveByTower = 0;
            float towerBar = w[0] > 0 ? t / w[0] : Float.POSITIVE_INFINITY;
            for (int p = 0; p < setSize && rank < 20; p++) {
              if (set[p] == target) {
                continue;
              }
              if (w[0] * cv[p] + w[1] * kv[p] + w[2] * rv[p] >= t) {
                rank++;
              }
            }
            if (rank < 20 && w[0] > 0) {
              // Items outside S score a · pc(j): count those above the target.
              int above = sorted.length - upperBound(sorted, towerBar);
              for (int p = 0; p < setSize; p++) {
                if (cv[p] > towerBar) {
                  inSetAboveByTower++;
                }
              }
              // The target is never above itself; when it is outside S it is not in the count.
              rank += above - inSetAboveByTower;
            }
            if (!targetIn && rank < 20 && w[0] == 0) {
              // Outside S and no tower: scores 0 like every other item outside S.
              rank = 20;
            }
            if (rank < 20) {
              hits[offset + si] += 1;
              mrr[offset + si] += 1.0 / (rank + 1);
            }
          }
        }
      }
    }
  }

  /** Returns the first index whose value is {@code > x} in ascending {@code a}. */
  private static int upperBound(float[] a, float x) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
