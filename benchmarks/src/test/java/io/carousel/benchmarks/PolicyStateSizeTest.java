package io.carousel.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.carousel.policy.LinearPosterior;
import io.carousel.policy.PackedPosterior;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Measures the Jackson-CBOR size of one user's bandit state at k = 16 and 18 (budget: 2 KB). */
class PolicyStateSizeTest {
  private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

  @Test
  void packedPosteriorFitsTheTwoKilobyteBudgetAndRoundTrips() throws Exception {
    LinearPosterior p = trained(16, 500);
    byte[] full = CBOR.writeValueAsBytes(p);
    PackedPosterior packed = PackedPosterior.pack(p);
    byte[] compact = CBOR.writeValueAsBytes(packed);
    System.out.printf(
        "CBOR bytes at k=16: LinearPosterior %d, PackedPosterior %d%n",
        full.length, compact.length);
    // 256 + 16 doubles at 9 bytes each (CBOR float64) plus names and headers.
    assertTrue(full.length > 2448 && full.length < 2600, "full " + full.length);
    // 136 + 16 floats at 5 bytes each (CBOR float32): 760 bytes of numbers plus names and headers.
    assertTrue(compact.length > 760 && compact.length <= 850, "packed " + compact.length);
    PackedPosterior back = CBOR.readValue(compact, PackedPosterior.class);
    assertEquals(packed, back);
    assertEquals(packed, PackedPosterior.pack(back.unpack()));
    assertEquals(p, CBOR.readValue(full, LinearPosterior.class));
  }

  @Test
  void packedPosteriorAtEighteenFeaturesStaysWithinTheBudget() throws Exception {
    // The default TWO_TRENDS context: 16 standard features and two trend popularities.
    PackedPosterior packed = PackedPosterior.pack(trained(18, 500));
    byte[] compact = CBOR.writeValueAsBytes(packed);
    System.out.printf("CBOR bytes at k=18: PackedPosterior %d%n", compact.length);
    // 171 + 18 floats at 5 bytes each (CBOR float32): 945 bytes of numbers plus names and headers.
    assertTrue(compact.length > 945 && compact.length <= 1050, "packed " + compact.length);
    assertEquals(packed, CBOR.readValue(compact, PackedPosterior.class));
  }

  static LinearPosterior trained(int k, int updates) {
    SplittableRandom rng = new SplittableRandom(1);
    LinearPosterior p = LinearPosterior.prior(k, 1.0);
    float[] x = new float[k];
    for (int t = 0; t < updates; t++) {
      for (int d = 0; d < k; d++) {
        x[d] = (float) rng.nextGaussian();
      }
      p = p.updated(x, rng.nextDouble() < 0.1 ? 1 : 0);
    }
    return p;
  }
}
