package io.carousel.offline.simulation;

import io.carousel.policy.ContextFeatures;
import io.carousel.policy.EpsilonGreedySlatePolicy;
import io.carousel.policy.LinUcbSlatePolicy;
import io.carousel.policy.LinearPosterior;
import io.carousel.policy.LinearThompsonSlatePolicy;
import io.carousel.policy.PooledPrior;
import io.carousel.policy.SlatePolicy;
import io.carousel.policy.TrendPopularity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Supervised-to-bandit replay of a {@link CandidateLog} (Li et al. 2010, "A Contextual-Bandit
 * Approach to Personalized News Article Recommendation", §4; Dudík et al. 2011, "Doubly Robust
 * Policy Evaluation and Learning", §5): at each step every policy serves a slate of K from the
 * step's candidates to that user, earns reward 1 if the user's next item is in it (the other shown
 * items are unclicked impressions, reward 0) and updates before the next step.
 *
 * <p>Contexts are built as the live {@code SlateAssembler} builds them: model scores min-max
 * normalised over the candidates, log-scaled training popularity, seen = 0 (seen items are not
 * candidates), and the 12-dim projection of the item vector with the node's feature seed; the
 * shared prior has mean θ[1] = 1 (trust the model score) like {@code ProfileDependencies}. Two
 * options, both the live node's defaults too ({@code BanditModel}, {@code NodeTrends} in
 * user-actors): a pooled prior ({@link PooledPrior}) learned from all users' impressions, and one
 * or two more features, online trend popularities ({@link TrendPopularity}) with a short and a long
 * half-life, warmed up on the training interactions in time order and fed each logged interaction
 * after its step (every user's interactions reach the live node too, so no policy sees the future;
 * the live node starts them at zero instead of warming up). Deterministic: each policy draws from
 * its own {@link SplittableRandom} seeded from the settings.
 */
public final class BanditReplay {

  /** Points on each cumulative hit-rate curve. */
  public static final int CURVE_POINTS = 200;

  /**
   * One policy's outcome.
   *
   * @param name policy name as in the JSON table
   * @param settings its settings in words
   * @param hits steps whose next item was in the slate
   * @param curve {@code double[CURVE_POINTS']} cumulative hit rate after {@code steps[i]} steps
   * @param hitsByUser {@code int[users]} hits per dense user index (for {@code PairedBootstrap})
   */
  public record PolicyOutcome(
      String name, String settings, long hits, double[] curve, int[] hitsByUser) {}

  /**
   * The outcome of a run.
   *
   * @param events replayed steps
   * @param users distinct users replayed
   * @param candidateRecall share of steps whose next item was among the candidates (the ceiling)
   * @param curveSteps {@code long[points]} step counts at which the curves are sampled
   * @param policies outcomes in a fixed order: the three linear bandits, Bernoulli TS, greedy
   */
  public record Outcome(
      long events,
      int users,
      double candidateRecall,
      long[] curveSteps,
      List<PolicyOutcome> policies) {

    /** Returns the hit rate of {@code p} = hits / events (0 when nothing was replayed). */
    public double hitRate(PolicyOutcome p) {
      return events == 0 ? 0 : (double) p.hits() / events;
    }

    /** Returns the outcome named {@code name}; throws IllegalArgumentException if absent. */
    public PolicyOutcome policy(String name) {
      return policies.stream()
          .filter(p -> p.name().equals(name))
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no policy " + name));
    }

    /** Returns the per-user bandit (LinTS, LinUCB, ε-greedy) with the most hits. */
    public PolicyOutcome bestPerUserBandit() {
      PolicyOutcome best = null;
      for (String n : PER_USER) {
        PolicyOutcome p = policy(n);
        if (best == null || p.hits() > best.hits()) {
          best = p;
        }
      }
      return best;
    }
  }

  /** Names of the per-user contextual bandits, in table order. */
  public static final List<String> PER_USER =
      List.of(LinearThompsonSlatePolicy.ID, LinUcbSlatePolicy.ID, EpsilonGreedySlatePolicy.ID);

  /** Name of the greedy model ranking. */
  public static final String GREEDY = "greedy-model";

  private BanditReplay() {}

  /**
   * Runs all five policies over {@code log} without a trend warm-up; see {@link #run(CandidateLog,
   * float[][], long[], int[], SimulationSettings)}.
   */
  public static Outcome run(
      CandidateLog log, float[][] itemVectors, long[] trainCounts, SimulationSettings s) {
    return run(log, itemVectors, trainCounts, new int[0], s);
  }

  /**
   * Runs all five policies over {@code log} in O(steps·(n·k² + K·k²)) (plus O(k³) per pooled
   * slate).
   *
   * @param itemVectors {@code float[numItems][dim]} the model's item vectors
   * @param trainCounts {@code long[numItems]} training interactions per item (popularity)
   * @param trainSequence {@code int[]} catalogue indices of the training interactions in time
   *     order, the trend feature's warm-up (unused when the trend is off)
   * @throws IllegalArgumentException if the shapes disagree
   */
  public static Outcome run(
      CandidateLog log,
      float[][] itemVectors,
      long[] trainCounts,
      int[] trainSequence,
      SimulationSettings s) {
    if (itemVectors.length != trainCounts.length || itemVectors.length == 0) {
      throw new IllegalArgumentException("itemVectors and trainCounts differ or are empty");
    }
    double[] halfLives = halfLives(s);
    ContextFeatures.Layout layout = layout(halfLives.length);
    ContextFeatures cf = new ContextFeatures(itemVectors[0].length, s.featureSeed(), layout);
    TrendPopularity[] trends = new TrendPopularity[halfLives.length];
    for (int i = 0; i < trends.length; i++) {
      trends[i] = new TrendPopularity(itemVectors.length, halfLives[i]);
      for (int item : trainSequence) {
        trends[i].observe(item);
      }
    }
    float[] popularity = popularityFromCounts(trainCounts);
    List<ReplayPolicy> policies = policies(log.users(), itemVectors.length, cf.dim(), s);
    int n = log.steps();
    int points = Math.min(CURVE_POINTS, Math.max(n, 1));
    long[] curveSteps = new long[points];
    for (int i = 0; i < points; i++) {
      curveSteps[i] = Math.max(1, (long) Math.ceil((double) n * (i + 1) / points));
    }
    long[] hits = new long[policies.size()];
    int[][] hitsByUser = new int[policies.size()][log.users()];
    double[][] curves = new double[policies.size()][points];
    int next = 0;
    for (int t = 0; t < n; t++) {
      int[] cands = log.candidates()[t];
      float[][] x = contexts(cands, log.scores()[t], itemVectors, popularity, trends, cf);
      int user = log.userOf()[t];
      for (int p = 0; p < policies.size(); p++) {
        ReplayPolicy policy = policies.get(p);
        int[] shown = cands.length == 0 ? new int[0] : policy.serve(user, cands, x, s.slateSize());
        int clicked = -1;
        for (int j = 0; j < shown.length; j++) {
          if (cands[shown[j]] == log.targets()[t]) {
            clicked = j;
          }
        }
        if (clicked >= 0) {
          hits[p]++;
          hitsByUser[p][user]++;
        }
        policy.observe(user, cands, x, shown, clicked);
      }
      for (TrendPopularity trend : trends) {
        trend.observe(log.targets()[t]);
      }
      while (next < points && curveSteps[next] == t + 1) {
        for (int p = 0; p < policies.size(); p++) {
          curves[p][next] = (double) hits[p] / (t + 1);
        }
        next++;
      }
    }
    List<PolicyOutcome> out = new ArrayList<>();
    for (int p = 0; p < policies.size(); p++) {
      out.add(
          new PolicyOutcome(
              policies.get(p).name(),
              policies.get(p).settings(),
              hits[p],
              curves[p],
              hitsByUser[p]));
    }
    return new Outcome(n, log.users(), log.candidateRecall(), curveSteps, List.copyOf(out));
  }

  private static List<ReplayPolicy> policies(int users, int items, int dim, SimulationSettings s) {
    double[] mean = new double[dim];
    mean[1] = 1.0;
    LinearPosterior prior = LinearPosterior.globalPrior(mean, dim, s.priorStrength());
    PooledPrior pool =
        s.pooled() ? PooledPrior.create(mean, poolPrecision(dim, s), s.userStrength()) : null;
    String priorText =
        String.format(Locale.ROOT, "prior %.3g", s.priorStrength())
            + (pool != null
                ? String.format(
                    Locale.ROOT,
                    ", pooled λu %.3g, item-dims precision %.3g",
                    s.userStrength(),
                    s.projectionStrength())
                : "")
            + (s.trendHalfLife() > 0
                ? ", trend ½-lives " + java.util.Arrays.toString(halfLives(s))
                : "");
    // Distinct streams per policy, fixed by the master seed and the policy's position.
    SplittableRandom root = new SplittableRandom(s.seed());
    List<ReplayPolicy> list = new ArrayList<>();
    list.add(
        linear(
            LinearThompsonSlatePolicy.ID,
            String.format(Locale.ROOT, "v %.3g, %s", s.tsScale(), priorText),
            new LinearThompsonSlatePolicy(s.tsScale(), 1),
            prior,
            pool,
            users,
            root));
    list.add(
        linear(
            LinUcbSlatePolicy.ID,
            String.format(Locale.ROOT, "alpha %.3g, %s", s.ucbAlpha(), priorText),
            new LinUcbSlatePolicy(s.ucbAlpha()),
            prior,
            pool,
            users,
            root));
    list.add(
        linear(
            EpsilonGreedySlatePolicy.ID,
            String.format(Locale.ROOT, "epsilon %.3g, %s", s.epsilon(), priorText),
            new EpsilonGreedySlatePolicy(s.epsilon()),
            prior,
            pool,
            users,
            root));
    list.add(
        new ReplayPolicy.Bernoulli(
            String.format(
                Locale.ROOT,
                "Beta(%.3g, %.3g) per item, shared",
                s.btsPriorStrength() * s.btsPriorCtr(),
                s.btsPriorStrength() * (1 - s.btsPriorCtr())),
            items,
            s.btsPriorCtr(),
            s.btsPriorStrength(),
            root.split()));
    list.add(new ReplayPolicy.Greedy());
    return list;
  }

  /**
   * Returns the pooled prior's precision {@code double[dim]}: priorStrength on bias, model score,
   * popularity and trend, projectionStrength on the seen flag and the 12 projected item dims, so
   * the pool learns the few scalar weights from little feedback while the item-direction weights
   * stay near 0 until much evidence (per-coefficient ridge; Hoerl &amp; Kennard 1970, §2).
   */
  static double[] poolPrecision(int dim, SimulationSettings s) {
    double[] precision = new double[dim];
    for (int i = 0; i < dim; i++) {
      boolean itemDirection = i >= 3 && i < ContextFeatures.DIM;
      precision[i] = itemDirection ? s.projectionStrength() : s.priorStrength();
    }
    return precision;
  }

  /** Returns the context layout for {@code trends} trend features (0, 1 or 2). */
  static ContextFeatures.Layout layout(int trends) {
    return switch (trends) {
      case 0 -> ContextFeatures.Layout.STANDARD;
      case 1 -> ContextFeatures.Layout.TREND;
      default -> ContextFeatures.Layout.TWO_TRENDS;
    };
  }

  /** Returns the trend half-lives in use, shortest first: none, one or two. */
  static double[] halfLives(SimulationSettings s) {
    if (s.trendHalfLife() <= 0) {
      return new double[0];
    }
    return s.longTrendHalfLife() > 0
        ? new double[] {s.trendHalfLife(), s.longTrendHalfLife()}
        : new double[] {s.trendHalfLife()};
  }

  private static ReplayPolicy linear(
      String name,
      String settings,
      SlatePolicy policy,
      LinearPosterior prior,
      PooledPrior pool,
      int users,
      SplittableRandom root) {
    return new ReplayPolicy.Linear(name, settings, policy, prior, pool, users, root.split());
  }

  /**
   * Returns {@code float[n][cf.dim()]} contexts as SlateAssembler builds them (min-max model
   * score), with the value of each candidate in each of {@code trends} (none: the 16-d layout).
   */
  static float[][] contexts(
      int[] cands,
      float[] scores,
      float[][] itemVectors,
      float[] popularity,
      TrendPopularity[] trends,
      ContextFeatures cf) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float v : scores) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    float range = max > min ? max - min : 1f;
    float[][] x = new float[cands.length][];
    for (int c = 0; c < cands.length; c++) {
      int idx = cands[c];
      float[] tr = new float[trends.length];
      for (int i = 0; i < tr.length; i++) {
        tr[i] = trends[i].value(idx);
      }
      x[c] = cf.build((scores[c] - min) / range, popularity[idx], false, itemVectors[idx], tr);
    }
    return x;
  }

  /**
   * Returns {@code float[n]} popularity log1p(c)/log1p(max) in [0, 1], the formula of the live
   * node's ModelView.popularityFromCounts (repeated here: the engine cannot see user-actors).
   */
  static float[] popularityFromCounts(long[] counts) {
    long max = 0;
    for (long c : counts) {
      max = Math.max(max, c);
    }
    double denom = Math.log1p(max);
    float[] p = new float[counts.length];
    for (int i = 0; i < counts.length; i++) {
      p[i] = denom == 0 ? 0f : (float) (Math.log1p(counts[i]) / denom);
    }
    return p;
  }
}
