package io.carousel.offline.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.engine.privacy.DpSettings;
import io.carousel.engine.wide.WideWeights;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The live wide weight choice on a log with more held-out users than it scores. */
class WideChoiceSampleTest {
  private static final int ITEMS = 30;

  @Test
  void tooManyHeldOutUsersForTheWideChoiceSamplesUsersInsteadOfFallingBack() {
    Random rng = new Random(5L);
    List<int[]> seqs = new ArrayList<>();
    for (int u = 0; u < 150; u++) {
      int[] s = new int[6];
      s[0] = rng.nextInt(ITEMS);
      for (int t = 1; t < s.length; t++) {
        // A cycle: the transition term pays, so the choice is not (0, 0).
        s[t] = rng.nextDouble() < 0.9 ? (s[t - 1] + 1) % ITEMS : rng.nextInt(ITEMS);
      }
      seqs.add(s);
    }
    float[][] text = new float[ITEMS][1];
    TwoTowerConfig config =
        new TwoTowerConfig(8, 5, 2, 32, 0.01, 3L, true, SessionTowerType.POOLING, 0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream log = new PrintStream(out, true, StandardCharsets.UTF_8);

    WideWeights w = WideChoice.choose(text, seqs, config, 40, DpSettings.OFF, log);

    assertNotEquals("fallback", w.chosenBy(), out.toString(StandardCharsets.UTF_8));
    assertEquals("held-out last event of 40 users sampled from 150", w.chosenBy());
    assertTrue(w.next() > 0, "the cycle's transition term is chosen: " + w.describe());
    assertTrue(
        out.toString(StandardCharsets.UTF_8).contains("chosen on a seeded sample of 40 users"),
        out.toString(StandardCharsets.UTF_8));
  }
}
