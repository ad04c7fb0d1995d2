package io.carousel.engine.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.engine.wide.CoVisitation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PrivateCoVisitationTest {
  private static DpSettings dp(double epsilon, double delta, int c, int p) {
    return new DpSettings(
        new DpBudget(epsilon, delta), c, p, Duration.ofSeconds(1), 2, OptionalLong.of(1));
  }

  @Test
  void aUserWithTenThousandEventsCountsForAtMostCItems() {
    List<int[]> seqs = new ArrayList<>();
    int[] heavy = new int[10_000];
    for (int t = 0; t < heavy.length; t++) {
      heavy[t] = t % 100;
    }
    seqs.add(heavy);
    seqs.add(new int[] {0, 1});
    // ε huge, so the noise is far below rounding: the released counts are the clipped counts.
    PrivateCoVisitation.Result r =
        PrivateCoVisitation.build(
            seqs, 100, 200, dp(1e9, 0.5, 5, 5), Noise.seeded(1), new PrivacyAccountant());
    long total = 0;
    for (long n : r.itemCounts()) {
      total += n;
    }
    assertEquals(5 + 2, total);
    // The heavy user's most recent 5 distinct items are 95..99, each once.
    for (int i = 95; i < 100; i++) {
      assertEquals(1, r.itemCounts()[i]);
    }
    assertEquals(1, r.itemCounts()[0]);
    assertEquals(0, r.itemCounts()[50]);
    // Δ₂ = √(C + C(C−1)/2 + P) = √20.
    assertEquals(Math.sqrt(20), r.l2Sensitivity(), 1e-12);
  }

  @Test
  void withNegligibleNoiseAndNoClippingTheStatisticsAreTheExactOnes() {
    List<int[]> seqs =
        List.of(
            new int[] {0, 1, 2},
            new int[] {1, 2, 3},
            new int[] {0, 2, 4},
            new int[] {4, 3, 1},
            new int[] {2, 0});
    CoVisitation exact = CoVisitation.build(seqs, 5, 200);
    CoVisitation priv =
        PrivateCoVisitation.build(
                seqs, 5, 200, dp(1e12, 0.5, 50, 50), Noise.seeded(1), new PrivacyAccountant())
            .coVisitation();
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 5; j++) {
        assertEquals(exact.cosine(i, j), priv.cosine(i, j), 1e-5, "cos " + i + "," + j);
        assertEquals(exact.transition(i, j), priv.transition(i, j), 1e-5, "next " + i + "," + j);
      }
    }
  }

  @Test
  void pairsOnlyOneUserHasAreNotReleasedAndTheReleaseIsAccounted() {
    List<int[]> seqs = new ArrayList<>();
    // 2,000 users share the pair (0, 1); one user alone has (2, 3). At ε = 1 and C = P = 20 the
    // threshold is about 400 users: the cost of C.
    for (int u = 0; u < 2000; u++) {
      seqs.add(new int[] {0, 1});
    }
    seqs.add(new int[] {2, 3});
    PrivacyAccountant acct = new PrivacyAccountant();
    PrivateCoVisitation.Result r =
        PrivateCoVisitation.build(seqs, 4, 200, dp(1, 1e-6, 20, 20), Noise.seeded(5), acct);
    assertTrue(r.coVisitation().cosine(0, 1) > 0);
    assertTrue(r.coVisitation().transition(0, 1) > 0);
    assertEquals(0f, r.coVisitation().cosine(2, 3));
    assertEquals(0f, r.coVisitation().transition(2, 3));
    // σ is the analytic one for Δ₂ = √(20 + 190 + 20) at (1, δ/2), τ from the union bound.
    assertEquals(Noise.gaussianSigma(Math.sqrt(230), 1, 5e-7), r.sigma(), 1e-9);
    assertEquals(Noise.threshold(r.sigma(), 210, 5e-7), r.threshold(), 1e-9);
    assertEquals(1, acct.releases().size());
    assertEquals(1.0, acct.spent().epsilon(), 0);
    assertEquals(1e-6, acct.spent().delta(), 0);
  }

  @Test
  void refusesDpOff() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            PrivateCoVisitation.build(
                List.of(), 1, 1, DpSettings.OFF, Noise.seeded(1), new PrivacyAccountant()));
  }
}
