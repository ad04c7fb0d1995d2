package io.carousel.user;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.carousel.policy.ContextFeatures;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PendingSlateTest {
  private static final ContextFeatures CF =
      new ContextFeatures(8, 5, ContextFeatures.Layout.TWO_TRENDS);

  private static float[] vector(SplittableRandom r) {
    float[] v = new float[8];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  @Test
  void slotsReferToTheNodesProjectionOnlyWhenTheServedValuesAreEqual() {
    SplittableRandom r = new SplittableRandom(1);
    float[] va = vector(r);
    float[] vb = vector(r);
    float[] sharedA = CF.project(va);
    float[] sharedB = CF.project(vector(r)); // b was served under another model: differs
    float[][] served = {
      CF.build(0.9f, 0.5f, false, va, new float[] {0.1f, 0.2f}),
      CF.build(0.3f, 0.25f, false, vb, new float[] {0.3f, 0.4f})
    };
    Map<String, float[]> node = Map.of("a", sharedA, "b", sharedB);
    PendingSlate p = PendingSlate.of("s1", List.of("a", "b"), served, node::get);

    assertTrue(p.sharesProjection(0, sharedA));
    assertFalse(p.sharesProjection(1, sharedB));
    assertEquals(18, p.k());
    assertArrayEquals(served[0], p.featuresOf(0));
    assertArrayEquals(served[1], p.featuresOf(1), "the slot kept its own served values");
    float[] flat = new float[36];
    System.arraycopy(served[0], 0, flat, 0, 18);
    System.arraycopy(served[1], 0, flat, 18, 18);
    assertArrayEquals(flat, p.features());
  }

  @Test
  void rewardingASlotSharesTheContextsAndMarksOnlyThatSlot() {
    float[][] served = {new float[18], new float[18]};
    served[1][17] = 0.5f;
    PendingSlate p = PendingSlate.of("s1", List.of("a", "b"), served, id -> null);
    PendingSlate q = p.withRewarded(1);
    assertArrayEquals(new boolean[] {false, false}, p.rewarded());
    assertArrayEquals(new boolean[] {false, true}, q.rewarded());
    assertEquals(-1, q.rewardableSlotOf("b"));
    assertEquals(0, q.rewardableSlotOf("a"));
    assertArrayEquals(served[1], q.featuresOf(1));
  }

  @Test
  void persistedFormIsTheFlatRowMajorFeatures() throws Exception {
    SplittableRandom r = new SplittableRandom(2);
    float[] v = vector(r);
    float[][] served = {
      CF.build(0.5f, 0.5f, true, v, new float[] {0.7f, 0.8f}),
      CF.build(0.1f, 0.2f, false, vector(r), new float[] {0f, 1f})
    };
    PendingSlate p = PendingSlate.of("s9", List.of("x", "y"), served, id -> CF.project(v));
    // As Akka's Jackson serializer is configured: every field visible unless the class says not.
    ObjectMapper cbor =
        new CBORMapper()
            .setVisibility(
                com.fasterxml.jackson.annotation.PropertyAccessor.FIELD,
                com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility.ANY);
    byte[] bytes = cbor.writeValueAsBytes(p.withRewarded(0));
    var tree = cbor.readTree(bytes);
    assertEquals(
        List.of("features", "itemIds", "rewarded", "slateId"),
        iterate(tree.fieldNames()).stream().sorted().toList());
    assertEquals(36, tree.get("features").size());
    PendingSlate back = cbor.readValue(bytes, PendingSlate.class);
    assertEquals(p.withRewarded(0), back);
    assertArrayEquals(served[0], back.featuresOf(0));
    assertArrayEquals(new boolean[] {true, false}, back.rewarded());
  }

  @Test
  void narrowContextsAreKeptWholeAndBadShapesAreRefused() {
    float[][] served = {{1f, 2f, 3f}, {4f, 5f, 6f}};
    PendingSlate p = PendingSlate.of("s", List.of("a", "b"), served, id -> new float[12]);
    assertEquals(3, p.k());
    assertArrayEquals(new float[] {4f, 5f, 6f}, p.featuresOf(1));
    assertThrows(
        IllegalArgumentException.class,
        () -> PendingSlate.read("s", List.of("a", "b"), new float[5], new boolean[2], null));
    PendingSlate empty = PendingSlate.of("e", List.of(), new float[0][], id -> null);
    assertEquals(0, empty.k());
    assertEquals(0, empty.features().length);
    assertTrue(Arrays.equals(new boolean[0], empty.rewarded()));
  }

  private static List<String> iterate(java.util.Iterator<String> it) {
    List<String> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
