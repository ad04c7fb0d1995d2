package io.carousel.offline.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.carousel.engine.data.EventTimes;
import org.junit.jupiter.api.Test;

/** The one event-time rule of the file: reader and the HTTP API. */
class EventTimesTest {
  @Test
  void epochNumbersBelow1e11AreSecondsOthersMilliseconds() {
    // 1796600000 s is 2026-12-07; read as ms it was 1970-01-21 (issue 12, defect 6).
    assertEquals(1_796_600_000_000L, EventTimes.fromEpochNumber(1_796_600_000L));
    assertEquals(1_796_600_000_000L, EventTimes.fromEpochNumber(1_796_600_000_000L));
    assertEquals(1_796_600_000_250L, EventTimes.fromEpochNumber(1_796_600_000.25));
    assertEquals(99_999_999_999_000L, EventTimes.fromEpochNumber(99_999_999_999L));
    assertEquals(100_000_000_000L, EventTimes.fromEpochNumber(100_000_000_000L));
  }

  @Test
  void theFileReaderAppliesTheSameRuleToText() {
    for (String v : new String[] {"1796600000", "1796600000000", "1796600000.25", "-1"}) {
      assertEquals(EventTimes.parseMs(v), FileLogReader.parseTimeMs(v), v);
    }
    assertEquals(1_796_600_000_000L, FileLogReader.parseTimeMs("1796600000"));
    assertEquals(-1_000L, EventTimes.parseMs("-1"));
  }

  @Test
  void timesPastTheYear10000AreRejected() {
    assertThrows(IllegalArgumentException.class, () -> EventTimes.fromEpochNumber(Long.MAX_VALUE));
    assertThrows(
        IllegalArgumentException.class, () -> EventTimes.fromEpochNumber(Double.POSITIVE_INFINITY));
    assertThrows(
        IllegalArgumentException.class, () -> EventTimes.parseMs("+10000-01-02T00:00:00Z"));
    assertThrows(IllegalArgumentException.class, () -> EventTimes.parseMs("soon"));
  }
}
