package io.carousel.engine.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BaselineComparisonTest {
  private static Evaluation.ModelResult row(String name, double[] ndcgByUser) {
    double mean = java.util.Arrays.stream(ndcgByUser).average().orElse(0);
    Metrics m = new Metrics(0, mean, 0, 0, ndcgByUser.length, 0, 0, 0, ndcgByUser);
    return new Evaluation.ModelResult(name, m, m, 0, "-", List.of(), List.of());
  }

  @Test
  void comparesWithTheBaselineOfHighestTestNdcgNeverRandom() {
    double[] carousel = {1, 0.5, 0, 0.63, 0};
    Evaluation.Report r =
        new Evaluation.Report(
            "d",
            "p",
            5,
            10,
            0,
            10,
            0,
            List.of(
                row("random", new double[] {1, 1, 1, 1, 1}),
                row("popularity", new double[] {0, 0, 0, 0, 0.5}),
                row("markov", new double[] {1, 0.5, 0, 0, 0}),
                row("carousel", carousel)));
    BaselineComparison c = BaselineComparison.of(r, "carousel").orElseThrow();
    assertEquals("markov", c.baseline());
    assertEquals(0.63 / 5, c.difference(), 1e-12);
    assertEquals(5, c.users());
    // Users differ only in user 4 (+0.63): every resample's difference is (count of user 4) ·
    // 0.126.
    assertTrue(
        c.lo() >= 0 && c.hi() <= 0.63 && c.lo() <= c.difference() && c.difference() <= c.hi());
    assertTrue(BaselineComparison.of(r, "carousel-no-text").isEmpty());
  }

  @Test
  void withRepeatsAllowedTheRepeatRowIsABaselineToo() {
    Evaluation.Report r =
        new Evaluation.Report(
            "d",
            "p",
            2,
            10,
            0,
            10,
            0,
            List.of(
                row("markov", new double[] {0.2, 0.2}),
                row("repeat", new double[] {1, 0.5}),
                row("carousel", new double[] {0.5, 0.5})));
    BaselineComparison c = BaselineComparison.of(r, "carousel").orElseThrow();
    assertEquals("repeat", c.baseline());
    assertEquals(-0.25, c.difference(), 1e-12);
  }
}
