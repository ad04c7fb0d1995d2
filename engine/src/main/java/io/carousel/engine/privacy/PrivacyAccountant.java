package io.carousel.engine.privacy;

import java.util.ArrayList;
import java.util.List;

/**
 * The budget ledger: every DP release of a statistic learnt from all shoppers is recorded with the
 * (ε, δ) it spends, and the ledger composes them. Composition bounds what an observer of all the
 * releases learns about one user:
 *
 * <ul>
 *   <li>basic (Dwork &amp; Roth 2014, Thm. 3.16): k releases of (εᵢ, δᵢ) are (Σεᵢ, Σδᵢ)-DP;
 *   <li>advanced (Dwork, Rothblum &amp; Vadhan, FOCS 2010; Dwork &amp; Roth Thm. 3.20): k releases
 *       of (ε, δ) each are (√(2k ln(1/δ')) ε + k ε (e^ε − 1), kδ + δ')-DP for any δ' &gt; 0 —
 *       better than basic only for small ε and large k.
 * </ul>
 *
 * Thread-safe.
 */
public final class PrivacyAccountant {
  /**
   * One release.
   *
   * @param statistic what was released, e.g. "training co-visitation and item counts"
   * @param mechanism how, e.g. "Gaussian σ = 4.1, threshold τ = 22.3"
   * @param spent the (ε, δ) it spends
   */
  public record Release(String statistic, String mechanism, DpBudget spent) {}

  private final List<Release> releases = new ArrayList<>();

  /** Records one release. */
  public synchronized void record(String statistic, String mechanism, DpBudget spent) {
    releases.add(new Release(statistic, mechanism, spent));
  }

  /** Returns the releases so far, oldest first. */
  public synchronized List<Release> releases() {
    return List.copyOf(releases);
  }

  /** Returns the basic composition of every release so far; {@link DpBudget#OFF} if any is off. */
  public synchronized DpBudget spent() {
    double e = 0;
    double d = 0;
    for (Release r : releases) {
      if (r.spent().off()) {
        return DpBudget.OFF;
      }
      e += r.spent().epsilon();
      d += r.spent().delta();
    }
    return releases.isEmpty()
        ? new DpBudget(Double.MIN_VALUE, 0)
        : new DpBudget(e, Math.min(d, 0.999));
  }

  /** Returns the basic composition of k releases of {@code each}: (kε, kδ). */
  public static DpBudget basic(int k, DpBudget each) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    return new DpBudget(k * each.epsilon(), Math.min(0.999, k * each.delta()));
  }

  /**
   * Returns the advanced composition of k releases of {@code each} with slack δ' = {@code
   * deltaPrime}: (√(2k ln(1/δ')) ε + kε(e^ε − 1), kδ + δ').
   */
  public static DpBudget advanced(int k, DpBudget each, double deltaPrime) {
    if (k < 1 || !(deltaPrime > 0 && deltaPrime < 1)) {
      throw new IllegalArgumentException("need k >= 1 and deltaPrime in (0, 1)");
    }
    double e = each.epsilon();
    double eps = Math.sqrt(2 * k * Math.log(1 / deltaPrime)) * e + k * e * Math.expm1(e);
    return new DpBudget(eps, Math.min(0.999, k * each.delta() + deltaPrime));
  }

  /** Returns the tighter ε of {@link #basic} and {@link #advanced} (advanced's δ when it wins). */
  public static DpBudget best(int k, DpBudget each, double deltaPrime) {
    DpBudget b = basic(k, each);
    DpBudget a = advanced(k, each, deltaPrime);
    return a.epsilon() < b.epsilon() ? a : b;
  }
}
