package io.carousel.offline.ope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.offline.data.OpenBanditReader;
import io.carousel.offline.data.RealData;
import io.carousel.policy.ope.Estimate;
import io.carousel.policy.ope.Estimator;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenBanditOpeTest {

  @Test
  void menRunSplitsByTimeAndTheUniformPolicyReproducesTheRandomCtr() {
    OpenBanditOpe.Report r =
        OpenBanditOpe.run(RealData.rootWith(OpenBanditReader.FOLDER), "men", 200, 7);
    assertEquals(5000, r.rowsTrain());
    assertEquals(5000, r.rowsEval());
    // Clicks of the second halves (26 random, 27 BTS) and of the whole logs (PROVENANCE: 46, 69).
    assertEquals(26 / 5000.0, r.randomCtr(), 1e-12);
    assertEquals(27 / 5000.0, r.btsCtr(), 1e-12);
    assertEquals(46 / 10000.0, r.randomCtrFull(), 1e-12);
    assertEquals(69 / 10000.0, r.btsCtrFull(), 1e-12);
    List<String> names = r.policies().stream().map(OpenBanditOpe.PolicyResult::name).toList();
    assertEquals(List.of("linucb", "linear-ts", "epsilon-greedy", "bernoulli-ts", "random"), names);
    OpenBanditOpe.PolicyResult uniform = r.policies().get(4);
    // Uniform evaluated on uniform logs: every weight is 1, so IPS = SNIPS = the empirical CTR.
    assertEquals(r.randomCtr(), uniform.estimates().get(Estimator.IPS).value(), 1e-12);
    assertEquals(r.randomCtr(), uniform.estimates().get(Estimator.SNIPS).value(), 1e-12);
    for (OpenBanditOpe.PolicyResult p : r.policies()) {
      for (Estimator k : Estimator.values()) {
        Estimate e = p.estimates().get(k);
        assertTrue(e.lo() <= e.value() && e.value() <= e.hi(), p.name() + " " + k + " " + e);
        assertTrue(e.hi() < 0.05, p.name() + " " + k + " " + e);
        // IPS and SNIPS average non-negative terms; DR's correction term may go below 0.
        assertTrue(k == Estimator.DR || e.lo() >= 0, p.name() + " " + k + " " + e);
      }
    }
  }
}
