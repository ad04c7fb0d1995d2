package io.carousel.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PackedPosteriorTest {

  @Test
  void packsTheUpperTriangleInSinglePrecision() {
    SplittableRandom rng = new SplittableRandom(3);
    float[][] xs = SlateAssertions.randomCandidates(rng, 50, 16);
    LinearPosterior p = LinearPosterior.prior(16, 2.0);
    for (float[] x : xs) {
      p = p.updated(x, rng.nextDouble());
    }
    PackedPosterior packed = PackedPosterior.pack(p);
    assertEquals(136, packed.aInvUpper().length);
    assertEquals((float) p.aInv()[1], packed.aInvUpper()[1]);
    assertEquals((float) p.aInv()[16 + 1], packed.aInvUpper()[16]);
    LinearPosterior back = packed.unpack();
    assertEquals(50, back.updates());
    for (int i = 0; i < 16 * 16; i++) {
      double scale = Math.max(Math.abs(p.aInv()[i]), 1e-30);
      assertEquals(p.aInv()[i], back.aInv()[i], scale * 0x1p-24, "A⁻¹ entry " + i);
      assertEquals(back.aInv()[i], back.aInv()[(i % 16) * 16 + i / 16], "symmetric " + i);
    }
    for (int i = 0; i < 16; i++) {
      assertEquals(p.b()[i], back.b()[i], Math.abs(p.b()[i]) * 0x1p-24, "b entry " + i);
    }
    assertEquals(packed, PackedPosterior.pack(back), "packing is idempotent: a replay is exact");
  }

  @Test
  void rejectsWrongLengths() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new PackedPosterior(2, new float[4], new float[2], 0));
  }

  @Test
  void thompsonSamplingStaysUsableAfterManyPackedUpdates() {
    // Every update is applied to the unpacked double posterior and packed again, as UserState does.
    SplittableRandom rng = new SplittableRandom(5);
    PackedPosterior packed = PackedPosterior.pack(LinearPosterior.prior(16, 1.0));
    LinearPosterior exact = LinearPosterior.prior(16, 1.0);
    float[][] xs = SlateAssertions.randomCandidates(rng, 5_000, 16);
    for (float[] x : xs) {
      double r = rng.nextDouble() < 0.1 ? 1 : 0;
      packed = PackedPosterior.pack(packed.unpack().updated(x, r));
      exact = exact.updated(x, r);
    }
    double[] mean = packed.unpack().mean();
    double[] exactMean = exact.mean();
    for (int i = 0; i < 16; i++) {
      assertEquals(exactMean[i], mean[i], 1e-4, "θ entry " + i + " after 5,000 packed updates");
    }
  }
}
