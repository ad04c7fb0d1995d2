package io.carousel.policy;

import java.util.Arrays;

/**
 * A ranked slate chosen by a {@link SlatePolicy}, with the logging propensities that off-policy
 * estimators (IPS/SNIPS/DR) need.
 *
 * <p>{@code chosen[j]} is an index into the candidate array passed to {@link SlatePolicy#choose},
 * shown in slot j (slot 0 on top). {@code propensities[j]} is the probability the policy put that
 * candidate in slot j; whether it is conditional on slots 0..j−1 or marginal is defined by each
 * policy: {@link EpsilonGreedySlatePolicy} reports the exact conditional probability (so the
 * product over slots is the probability of the whole slate), {@link LinearThompsonSlatePolicy} a
 * Monte Carlo estimate of the marginal probability.
 *
 * <p>Immutable by convention: callers must not mutate the arrays.
 *
 * @param chosen candidate indices {@code int[slateLength]}, distinct
 * @param propensities probabilities in (0, 1], {@code double[slateLength]}
 */
public record Slate(int[] chosen, double[] propensities) {

  /** Validates shapes; throws IllegalArgumentException if the arrays differ in length. */
  public Slate {
    if (chosen.length != propensities.length) {
      throw new IllegalArgumentException(
          "chosen has " + chosen.length + " slots but propensities has " + propensities.length);
    }
  }

  /** Returns the number of slots filled. */
  public int size() {
    return chosen.length;
  }

  /** Returns true if {@code o} is a Slate with equal array contents. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Slate s
        && Arrays.equals(chosen, s.chosen)
        && Arrays.equals(propensities, s.propensities);
  }

  /** Returns a hash over the array contents, consistent with equals. */
  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(chosen) + Arrays.hashCode(propensities);
  }

  /** Returns a debug string with the array contents. */
  @Override
  public String toString() {
    return "Slate[chosen="
        + Arrays.toString(chosen)
        + ", propensities="
        + Arrays.toString(propensities)
        + "]";
  }
}
