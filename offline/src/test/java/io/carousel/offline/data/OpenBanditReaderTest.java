package io.carousel.offline.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenBanditReaderTest {

  @Test
  void readsRandomMenToProvenanceCounts() {
    OpenBanditReader.Log log = read("random", "men");
    assertEquals(10_000, log.rounds().size());
    assertEquals(34, log.nItems());
    assertEquals(46, log.clicks());
    assertArrayEquals(new int[] {3284, 3388, 3328}, positionCounts(log));
    OpenBanditReader.Round first = log.rounds().get(0);
    assertEquals(Instant.parse("2019-11-24T00:03:13.442536Z"), first.timestamp());
    assertEquals(14, first.itemId());
    assertEquals(3, first.position());
    assertEquals("cef3390ed299c09874189c387777674a", first.userFeatures()[0]);
    assertEquals(34, first.affinity().length);
    assertTrue(log.rounds().stream().allMatch(r -> r.propensity() == 1.0 / 34));
    assertEquals(-0.6771831139635117, log.items().get(0).feature0(), 0);
    assertEquals("ceca20033d7d36b74dc683ddfb804aa7", log.items().get(0).categorical()[0]);
  }

  @Test
  void readsTheOtherThreeLogsToProvenanceClickCounts() {
    OpenBanditReader.Log women = read("random", "women");
    assertEquals(10_000, women.rounds().size());
    assertEquals(46, women.nItems());
    assertEquals(46, women.clicks());
    assertEquals(46, women.rounds().get(0).affinity().length);
    assertTrue(women.rounds().stream().allMatch(r -> r.propensity() == 1.0 / 46));
    OpenBanditReader.Log btsMen = read("bts", "men");
    assertEquals(10_000, btsMen.rounds().size());
    assertEquals(69, btsMen.clicks());
    double min = btsMen.rounds().stream().mapToDouble(r -> r.propensity()).min().orElseThrow();
    double max = btsMen.rounds().stream().mapToDouble(r -> r.propensity()).max().orElseThrow();
    assertEquals(1.65e-4, min, 0.005e-4);
    assertEquals(0.725, max, 0.0005);
    OpenBanditReader.Log btsWomen = read("bts", "women");
    assertEquals(10_000, btsWomen.rounds().size());
    assertEquals(46, btsWomen.clicks());
  }

  @Test
  void rowsAreSortedByTimeWithinTheProvenanceSpan() {
    OpenBanditReader.Log log = read("bts", "women");
    Instant previous = Instant.MIN;
    for (OpenBanditReader.Round r : log.rounds()) {
      assertTrue(!r.timestamp().isBefore(previous));
      previous = r.timestamp();
    }
    assertTrue(log.rounds().get(0).timestamp().isAfter(Instant.parse("2019-11-24T00:00:00Z")));
    assertTrue(previous.isBefore(Instant.parse("2019-12-01T00:00:00Z")));
  }

  @Test
  void missingFilesAndUnknownNamesAreReported(@TempDir Path empty) {
    assertThrows(
        DatasetMissingException.class, () -> OpenBanditReader.read(empty, "random", "men"));
    assertThrows(
        IllegalArgumentException.class, () -> OpenBanditReader.read(empty, "random", "all"));
    assertThrows(IllegalArgumentException.class, () -> OpenBanditReader.read(empty, "ucb", "men"));
  }

  private static OpenBanditReader.Log read(String policy, String campaign) {
    return OpenBanditReader.read(RealData.rootWith(OpenBanditReader.FOLDER), policy, campaign);
  }

  private static int[] positionCounts(OpenBanditReader.Log log) {
    int[] counts = new int[3];
    log.rounds().forEach(r -> counts[r.position() - 1]++);
    return counts;
  }
}
