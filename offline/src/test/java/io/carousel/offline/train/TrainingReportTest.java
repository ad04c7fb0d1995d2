package io.carousel.offline.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingReportTest {
  @Test
  void lossesArePrintedWithFourSignificantDigitsAndKeptWhole() {
    TwoTowerTrainer.TrainingReport r =
        new TwoTowerTrainer.TrainingReport(List.of(5.432123456789, 0.12345678901, 12.0), 1.5, 1);
    assertEquals("[5.432, 0.1235, 12.00]", r.lossesForDisplay());
    assertEquals(5.432123456789, r.lossPerEpoch().get(0), "the report keeps every digit");
  }
}
