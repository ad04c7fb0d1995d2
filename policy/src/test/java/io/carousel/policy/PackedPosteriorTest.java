package io.carousel.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
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
  void fewObservationsStayRawOnTheSharedStartAndFoldIntoTheSameposterior() {
    int k = 18;
    SplittableRandom rng = new SplittableRandom(5);
    float[][] xs = SlateAssertions.randomCandidates(rng, 12, k);
    PackedPosterior start = PackedPosterior.pack(LinearPosterior.prior(k, 1000.0));
    LinearPosterior exact = LinearPosterior.prior(k, 1000.0);
    PackedPosterior p = start;
    for (int i = 0; i < xs.length; i++) {
      double r = i % 3 == 0 ? 1.0 : 0.0;
      exact = exact.updated(xs[i], r);
      p = p.observe(xs[i], r);
      assertEquals(i + 1, p.updates());
      if (i < 9) {
        // ⌊(171 + 18) / 19⌋ = 9 observations stay raw and the start's arrays are shared.
        assertEquals(i + 1, p.rawObservations());
        assertSame(start.aInvUpper(), p.aInvUpper());
        assertSame(start.b(), p.b());
      } else if (i == 9) {
        assertEquals(0, p.rawObservations(), "the 10th observation folds all of them");
      }
      LinearPosterior back = p.unpack();
      assertEquals(i + 1, back.updates());
      for (int j = 0; j < k * k; j++) {
        assertEquals(exact.aInv()[j], back.aInv()[j], 1e-9, "A⁻¹ entry " + j + " after " + i);
      }
      for (int j = 0; j < k; j++) {
        assertEquals(exact.b()[j], back.b()[j], 1e-6, "b entry " + j + " after " + i);
      }
    }
    // 12 observations: 10 folded, then 2 raw again on top of the folded state.
    assertEquals(2, p.rawObservations());
    assertEquals(12, p.updates());
    assertThrows(IllegalArgumentException.class, () -> start.observe(new float[k - 1], 1.0));
    assertThrows(IllegalArgumentException.class, () -> start.observe(xs[0], Double.NaN));
    float[] nan = xs[0].clone();
    nan[3] = Float.NaN;
    assertThrows(IllegalArgumentException.class, () -> start.observe(nan, 1.0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new PackedPosterior(2, new float[3], new float[2], 0, new float[3]),
        "more raw observations than updates");
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
