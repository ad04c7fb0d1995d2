package io.carousel.offline.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The up-front heap estimate of one {@link Evaluation} run, checked before any model is fitted so
 * that a log too large for the heap fails in a second with one line naming the option to change,
 * not after minutes with an {@link OutOfMemoryError}.
 *
 * <p>Models run one after the other, so the peak is the data already loaded plus the streamed score
 * batch plus the largest single model. Each part is an upper-bound count of its arrays (boxed
 * collections at about 64 bytes an entry); TensorFlow's native memory is outside the Java heap and
 * not counted.
 */
public final class MemoryEstimate {
  /** Share of the heap the estimate may fill; the rest is GC headroom. */
  static final double USABLE = 0.85;

  private static final long FLOAT = 4;
  private static final long DOUBLE = 8;
  private static final long BOXED_ENTRY = 64;

  /**
   * One model's estimated peak.
   *
   * @param name the model, e.g. {@code ease}
   * @param bytes its estimate
   * @param option the command-line option that bounds it, or null when only the heap does
   * @param formula how the estimate is made, for the error line
   */
  public record Part(String name, long bytes, String option, String formula) {}

  private MemoryEstimate() {}

  /**
   * Returns the per-model estimates for a log of {@code numUsers} sequences with {@code events}
   * items in all over {@code numItems} items, under {@code options}.
   */
  public static List<Part> parts(int numItems, int numUsers, long events, Evaluation.Options o) {
    List<Part> parts = new ArrayList<>();
    long n = Math.min(o.easeMaxItems(), numItems);
    parts.add(
        new Part(
            "ease",
            (DOUBLE + FLOAT) * n * n,
            "--ease-max-items",
            String.format(Locale.ROOT, "12·N² bytes at N = %d", n)));
    long m = Math.min(o.wideNeighbours(), Math.max(1, numItems - 1));
    long coVisitation = 2L * numItems * m * (FLOAT + FLOAT) + events * (FLOAT + FLOAT + DOUBLE);
    parts.add(
        new Part(
            "item-knn",
            coVisitation,
            "--wide-neighbours",
            String.format(Locale.ROOT, "2 lists × items × M = %d neighbours × 8 bytes", m)));
    parts.add(new Part("markov", events * BOXED_ENTRY, null, "boxed transition counts"));
    parts.add(
        new Part(
            "bpr-mf",
            ((long) numUsers + numItems) * 64 * FLOAT + events * (BOXED_ENTRY + 2 * FLOAT),
            null,
            "64 factors per user and item, boxed seen sets"));
    int dim = o.carouselGrid().stream().mapToInt(c -> c.dim()).max().orElse(64);
    int history = o.carouselGrid().stream().mapToInt(c -> c.historyLength()).max().orElse(50);
    long tower =
        (long) numItems * dim * FLOAT * 4
            + events * history * FLOAT
            + (o.withText() ? (long) numItems * 384 * FLOAT : 0)
            + coVisitation;
    parts.add(
        new Part(
            "carousel",
            tower,
            "--dim",
            String.format(
                Locale.ROOT,
                "item vectors (dim %d), training windows (history %d), co-visitation",
                dim,
                history)));
    return parts;
  }

  /** Returns the streamed score batch: a few {@code float[BATCH][numItems]} at once. */
  static long scoreBatch(int numItems) {
    return 3L * Evaluator.BATCH * numItems * FLOAT;
  }

  /**
   * Checks that the run fits: {@code used} (data already on the heap) plus the score batch plus the
   * largest part must stay within {@link #USABLE} of {@code maxHeap}.
   *
   * @return a one-line summary of the estimate, for the log
   * @throws IllegalArgumentException with one line naming the option to lower (or the heap to
   *     raise) when it does not fit
   */
  public static String check(
      int numItems, int numUsers, long events, Evaluation.Options o, long used, long maxHeap) {
    List<Part> parts = parts(numItems, numUsers, events, o);
    Part largest = parts.get(0);
    for (Part p : parts) {
      if (p.bytes() > largest.bytes()) {
        largest = p;
      }
    }
    long fixed = used + scoreBatch(numItems);
    long budget = (long) (maxHeap * USABLE);
    long peak = fixed + largest.bytes();
    String summary =
        String.format(
            Locale.ROOT,
            "memory estimate: peak %s of a %s heap (data %s, score batch %s, largest model %s"
                + " %s)",
            size(peak),
            size(maxHeap),
            size(used),
            size(scoreBatch(numItems)),
            largest.name(),
            size(largest.bytes()));
    if (peak <= budget) {
      return summary;
    }
    if (fixed > budget) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "evaluate would need about %s to score %d items in batches of %d with %s of data"
                  + " loaded, more than the %s heap allows; raise the heap (JAVA_OPTS=-Xmx…)",
              size(fixed),
              numItems,
              Evaluator.BATCH,
              size(used),
              size(maxHeap)));
    }
    for (Part p : parts) {
      if (fixed + p.bytes() > budget) {
        String fix =
            p.option() != null
                ? "lower " + p.option() + " or raise the heap (JAVA_OPTS=-Xmx…)"
                : "raise the heap (JAVA_OPTS=-Xmx…)";
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "evaluate would need about %s for %s (%s) on %d items and %d users, more than"
                    + " the %s heap allows after %s of data; %s",
                size(fixed + p.bytes()),
                p.name(),
                p.formula(),
                numItems,
                numUsers,
                size(maxHeap),
                size(used),
                fix));
      }
    }
    return summary;
  }

  static String size(long bytes) {
    if (bytes >= 1L << 30) {
      return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
    return String.format(Locale.ROOT, "%d MiB", bytes >> 20);
  }
}
