package io.carousel.offline.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The SR-GNN/GCE-GNN pickles read to the counts of their PROVENANCE.md. */
class SessionPicklesTest {

  @Test
  void digineticaPicklesHoldThePublishedCounts() {
    SessionPickles d =
        SessionPickles.read(
            RealData.rootWith(SessionPickles.DIGINETICA).resolve(SessionPickles.DIGINETICA),
            SessionPickles.DIGINETICA);
    assertEquals(186_670, d.train().size());
    assertEquals(906_140, d.train().stream().mapToInt(s -> s.length).sum());
    assertEquals(60_858, d.prefixes().size());
    assertEquals(43_097, d.numItems());
    // The first test session is its first (longest) prefix plus that prefix's label.
    assertArrayEquals(new int[] {21553, 20071, 8762, 21566, 6381, 21566}, d.testSessions().get(0));
    // Every augmented case comes back from the rebuilt sessions.
    int cases = d.testSessions().stream().mapToInt(s -> s.length - 1).sum();
    assertEquals(60_858, cases);
  }

  @Test
  void tmallIsANamedDatasetOfSessionsAsUsers() {
    Dataset t = RealData.dataset(SessionPickles.TMALL, SessionPickles.TMALL);
    assertEquals(40_727, t.catalog().size());
    SessionPickles p =
        SessionPickles.read(
            RealData.rootWith(SessionPickles.TMALL).resolve(SessionPickles.TMALL),
            SessionPickles.TMALL);
    assertEquals(65_286, p.train().size());
    assertEquals(25_898, p.prefixes().size());
    List<int[]> test = p.testSessions();
    long events =
        p.train().stream().mapToInt(s -> s.length).sum()
            + test.stream().mapToInt(s -> s.length).sum();
    assertEquals(events, t.interactions().size());
  }
}
