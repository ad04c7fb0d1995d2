package io.carousel.http.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.policy.EventType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A user's batch lines travel as one command unless they would not fit one Artery frame. */
class EventIngestChunksTest {
  private static EventRequest[] events(int n, int idLength) {
    EventRequest[] out = new EventRequest[n];
    String pad = "x".repeat(idLength - 8);
    for (int i = 0; i < n; i++) {
      out[i] =
          new EventRequest(
              String.format("%08d", i) + pad, "u", "item-" + pad, EventType.VIEW, 1L, null);
    }
    return out;
  }

  private static List<Integer> all(int n) {
    List<Integer> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add(i);
    }
    return lines;
  }

  @Test
  void aTypicalBatchOfOneUserIsOneCommand() {
    assertEquals(1, EventIngest.chunks(all(1000), events(1000, 36)).size());
  }

  @Test
  void longIdsAreSplitInLineOrderUnderTheFrameSize() {
    List<List<Integer>> chunks = EventIngest.chunks(all(1000), events(1000, 200));
    assertTrue(chunks.size() > 1, "1,000 lines of 200-character ids do not fit one frame");
    int next = 0;
    for (List<Integer> c : chunks) {
      assertTrue(c.size() * (200 + 197 + 96) <= EventIngest.MAX_COMMAND_BYTES, "size " + c.size());
      for (int i : c) {
        assertEquals(next++, i, "line order kept");
      }
    }
    assertEquals(1000, next);
  }
}
