package io.carousel.engine.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PrivacyAccountantTest {
  @Test
  void basicCompositionSumsEveryRelease() {
    PrivacyAccountant a = new PrivacyAccountant();
    a.record("training", "Gaussian", new DpBudget(8, 1e-6));
    a.record("trend window 1", "Laplace", new DpBudget(0.5, 0));
    a.record("trend window 2", "Laplace", new DpBudget(0.5, 0));
    assertEquals(3, a.releases().size());
    assertEquals(9.0, a.spent().epsilon(), 1e-12);
    assertEquals(1e-6, a.spent().delta(), 1e-18);
    a.record("no DP", "-", DpBudget.OFF);
    assertSame(DpBudget.OFF, a.spent());
  }

  @Test
  void advancedCompositionMatchesTheFormulaAndWinsOnlyForManySmallReleases() {
    DpBudget each = new DpBudget(0.1, 1e-7);
    int k = 100;
    DpBudget adv = PrivacyAccountant.advanced(k, each, 1e-6);
    double expected = Math.sqrt(2 * k * Math.log(1e6)) * 0.1 + k * 0.1 * Math.expm1(0.1);
    assertEquals(expected, adv.epsilon(), 1e-12);
    assertEquals(k * 1e-7 + 1e-6, adv.delta(), 1e-15);
    assertEquals(10.0, PrivacyAccountant.basic(k, each).epsilon(), 1e-12);
    assertTrue(adv.epsilon() < 10, "advanced " + adv.epsilon());
    assertEquals(adv.epsilon(), PrivacyAccountant.best(k, each, 1e-6).epsilon(), 0);
    // At ε = 8 per release, k(e^ε − 1) explodes: basic is the better bound.
    DpBudget big = new DpBudget(8, 0);
    assertEquals(80.0, PrivacyAccountant.best(10, big, 1e-6).epsilon(), 1e-9);
  }
}
