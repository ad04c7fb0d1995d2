package io.carousel.offline.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.offline.train.SessionTowerType;
import io.carousel.offline.train.TwoTowerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CarouselRunTest {
  private static final int ITEMS = 30;

  @Test
  void retrainsOnFitPlusValidationForTheValidationChosenEpochs() {
    Random rng = new Random(11L);
    List<int[]> seqs = new ArrayList<>();
    for (int u = 0; u < 120; u++) {
      int[] s = new int[8];
      s[0] = rng.nextInt(ITEMS);
      for (int t = 1; t < s.length; t++) {
        s[t] = rng.nextDouble() < 0.8 ? (s[t - 1] + 1) % ITEMS : rng.nextInt(ITEMS);
      }
      seqs.add(s);
    }
    LeaveOneOut split = LeaveOneOut.ofSequences(ITEMS, seqs);
    float[][] text = new float[ITEMS][4];
    for (float[] row : text) {
      for (int j = 0; j < row.length; j++) {
        row[j] = (float) rng.nextGaussian();
      }
    }
    TwoTowerConfig config =
        new TwoTowerConfig(16, 5, 12, 32, 0.01, 3L, true, SessionTowerType.ATTENTION, 0);
    Evaluation.Options options =
        new Evaluation.Options(List.of(config), List.of(100.0), 100, 2, 0, true, 42L);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream log = new PrintStream(out, true, StandardCharsets.UTF_8);

    Evaluation.ModelResult result;
    Evaluation.ModelResult tower;
    try (CarouselRun run = CarouselRun.validate("carousel", text, split, config, options, log)) {
      int best = run.chosenEpochs();
      assertEquals(run.report().bestEpoch(), best);
      assertTrue(
          best >= 1 && best < run.report().lossPerEpoch().size() + 1, run.report().toString());
      WideGrid.Choice wide = run.chooseWide(split, options, log);
      assertTrue(
          wide.validation().ndcgAt10() >= run.validation().ndcgAt10() - 1e-6,
          "the grid holds (0, 0), so the chosen pair is at least as good on validation");
      // The grid streams each batch under every pair; it must score what the model scores.
      Metrics direct = run.validationWith(wide.weights(), split);
      assertEquals(direct.ndcgAt10(), wide.validation().ndcgAt10(), 1e-12);
      assertEquals(direct.mrrAt20(), wide.validation().mrrAt20(), 1e-12);
      assertEquals(direct.coverageAt10(), wide.validation().coverageAt10(), 1e-12);
      List<Evaluation.ModelResult> rows =
          run.retrain(
              "carousel",
              "carousel-tower",
              text,
              split,
              options,
              wide.weights(),
              wide.validation(),
              log);
      assertEquals(2, rows.size());
      result = rows.get(0);
      tower = rows.get(1);
      assertTrue(
          result.settings().contains("test model retrained on fit+validation for " + best + ")"),
          result.settings());
      assertTrue(result.settings().contains(wide.weights().describe()), result.settings());
      assertEquals(wide.validation(), result.validation(), "validation metrics of the chosen pair");
      assertEquals(run.validation(), tower.validation(), "validation metrics of the towers");
      assertTrue(tower.settings().endsWith("wide: none"), tower.settings());
      assertEquals(run.report().lossPerEpoch(), result.trainLoss());
    }
    assertTrue(tower.test().ndcgAt10() > 0.3, "learns the cycle: " + tower.test());
    assertTrue(result.test().ndcgAt10() > 0.3, "learns the cycle: " + result.test());
  }
}
