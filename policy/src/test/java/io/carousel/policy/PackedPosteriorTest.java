package io.carousel.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PackedPosteriorTest {

  @Test
  void packsTheUpperTriangleAndUnpacksBitForBit() {
    SplittableRandom rng = new SplittableRandom(3);
    float[][] xs = SlateAssertions.randomCandidates(rng, 50, 16);
    LinearPosterior p = LinearPosterior.prior(16, 2.0);
    for (float[] x : xs) {
      p = p.updated(x, rng.nextDouble());
    }
    PackedPosterior packed = PackedPosterior.pack(p);
    assertEquals(136, packed.aInvUpper().length);
    assertEquals(p.aInv()[1], packed.aInvUpper()[1]);
    assertEquals(p.aInv()[16 + 1], packed.aInvUpper()[16]);
    assertEquals(p, packed.unpack());
    assertEquals(50, packed.unpack().updates());
  }

  @Test
  void rejectsWrongLengths() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new PackedPosterior(2, new double[4], new double[2], 0));
  }
}
