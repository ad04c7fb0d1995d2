package io.carousel.offline.ope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.policy.ope.Estimator;
import io.carousel.user.UserProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class ServedLogTest {

  public static UserProfile.SlateServed slate(String id, List<String> items, double... props) {
    float[][] x = new float[items.size()][];
    for (int j = 0; j < x.length; j++) {
      x[j] = new float[] {1f, 1f - 0.1f * j};
    }
    return new UserProfile.SlateServed(
        id,
        items,
        props,
        new double[items.size()],
        x,
        "epsilon-greedy",
        List.of(),
        0L,
        "request",
        "m");
  }

  static Map<String, List<Object>> journal() {
    Map<String, List<Object>> j = new LinkedHashMap<>();
    List<Object> u1 = new ArrayList<>();
    u1.add(slate("u1/1", List.of("a", "b"), 0.95, 0.05));
    u1.add(new UserProfile.RewardObserved("u1/1", "b", 1.0, new float[] {1f, 0.9f}));
    u1.add(slate("u1/2", List.of("c", "d"), 0.95, 0.95));
    u1.add(new UserProfile.RewardObserved("u1/2", "c", 1.0, new float[] {1f, 1f}));
    j.put("UserProfile|u1", u1);
    List<Object> u2 = new ArrayList<>();
    u2.add(slate("u2/1", List.of("a", "e"), 0.95, 0.95));
    u2.add(slate("u2/2", List.of(), new double[0]));
    j.put("UserProfile|u2", u2);
    return j;
  }

  @Test
  void pairsRewardsWithTheirSlotsAndCountsTheRestAsZero() {
    List<ServedLog.Row> rows = ServedLog.rows(journal());
    assertEquals(6, rows.size());
    double[] rewards = rows.stream().mapToDouble(ServedLog.Row::reward).toArray();
    assertEquals(
        List.of(0.0, 1.0, 1.0, 0.0, 0.0, 0.0), java.util.Arrays.stream(rewards).boxed().toList());
    assertEquals("u2", rows.get(4).userId());
    assertEquals(1, rows.get(1).position());
    assertEquals(0.05, rows.get(1).propensity(), 0);
  }

  @Test
  void loggedPolicyIpsEqualsItsOnPolicyCtr() {
    JournalOpe.Result r = JournalOpe.evaluate(ServedLog.rows(journal()), 0.1, 200, 1);
    assertEquals(3, r.slates());
    assertEquals(2.0 / 6, r.onPolicyCtr(), 1e-12);
    assertEquals(2.0 / 6, r.estimates().get("logged").get(Estimator.IPS).value(), 1e-12);
    assertEquals(2.0 / 6, r.estimates().get("logged").get(Estimator.SNIPS).value(), 1e-12);
    // Greedy drops the exploration click on b (π_e = 0) and reweights c by 1 / 0.95.
    assertEquals(
        (1 / 0.95) / 6, r.estimates().get("greedy-model").get(Estimator.IPS).value(), 1e-12);
  }

  @Test
  void recoversTheGreedyOrExplorationDecisionFromAnEpsilonGreedyPropensity() {
    // ε = 0.1 over 50 remaining: greedy pick 0.902, exploration 0.002.
    assertEquals(1.0, JournalOpe.alternativeProb(0.902, 0.1, 0.0), 1e-12);
    assertEquals(0.0, JournalOpe.alternativeProb(0.002, 0.1, 0.0), 1e-12);
    assertEquals(0.8 + 0.2 / 50, JournalOpe.alternativeProb(0.902, 0.1, 0.2), 1e-12);
    assertEquals(0.2 / 50, JournalOpe.alternativeProb(0.002, 0.1, 0.2), 1e-12);
  }

  @Test
  void writesOneJsonObjectPerRow(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("log.ndjson");
    ServedLog.writeNdjson(ServedLog.rows(journal()), f);
    List<String> lines = Files.readAllLines(f);
    assertEquals(6, lines.size());
    assertTrue(lines.get(1).startsWith("{\"slateId\":\"u1/1\",\"userId\":\"u1\""), lines.get(1));
    assertTrue(lines.get(1).contains("\"reward\":1.0,\"features\":[1.0,0.9]"), lines.get(1));
  }
}
