package io.carousel.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventIdWindowTest {
  @Test
  void keepsTheLastMaxIdsOldestDroppedFirst() {
    long[] w = new long[0];
    for (int i = 0; i < 10; i++) {
      w = EventIdWindow.with(w, "e-" + i, 4);
    }
    assertEquals(4, w.length);
    for (int i = 0; i < 6; i++) {
      assertFalse(EventIdWindow.contains(w, "e-" + i), "e-" + i + " left the window");
    }
    for (int i = 6; i < 10; i++) {
      assertTrue(EventIdWindow.contains(w, "e-" + i), "e-" + i + " is in the window");
    }
    assertEquals(EventIdWindow.fingerprint("e-9"), w[3], "most recent last");
  }

  @Test
  void withNeverChangesItsInput() {
    long[] one = EventIdWindow.with(new long[0], "a", 2);
    long[] two = EventIdWindow.with(one, "b", 2);
    long[] three = EventIdWindow.with(two, "c", 2);
    assertEquals(1, one.length);
    assertEquals(2, two.length);
    assertTrue(EventIdWindow.contains(two, "a"));
    assertFalse(EventIdWindow.contains(three, "a"));
  }

  @Test
  void fingerprintsOfManyDistinctIdsAreDistinctAndStable() {
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 200_000; i++) {
      assertTrue(seen.add(EventIdWindow.fingerprint("evt-" + i)), "collision at " + i);
    }
    // SHA-256("abc") starts ba7816bf 8f01cfea (FIPS 180-2, appendix B.1).
    assertEquals(0xba7816bf8f01cfeaL, EventIdWindow.fingerprint("abc"));
    assertNotEquals(EventIdWindow.fingerprint("é"), EventIdWindow.fingerprint("e"));
  }

  @Test
  void rejectsANonPositiveWindow() {
    assertThrows(IllegalArgumentException.class, () -> EventIdWindow.with(new long[0], "a", 0));
  }
}
