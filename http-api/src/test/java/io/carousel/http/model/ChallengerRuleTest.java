package io.carousel.http.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.http.model.ChallengerRule.Arm;
import io.carousel.http.model.ChallengerRule.Verdict;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChallengerRuleTest {
  private final ChallengerRule rule = new ChallengerRule(500, 0.005, Duration.ofDays(7));

  @Test
  void newcombesPublishedExample() {
    // Newcombe (1998), Statistics in Medicine 17:873, table II example (56/70 vs 48/80): method 10
    // gives 0.0524 to 0.3339.
    double[] ci = ChallengerRule.difference95(56, 70, 48, 80);
    assertEquals(0.0524, ci[0], 5e-5);
    assertEquals(0.3339, ci[1], 5e-5);
    // And 9/10 vs 3/10: 0.1705 to 0.8090.
    ci = ChallengerRule.difference95(9, 10, 3, 10);
    assertEquals(0.1705, ci[0], 5e-5);
    assertEquals(0.8090, ci[1], 5e-5);
  }

  @Test
  void promotesABetterChallenger() {
    var o = rule.decide(arm("v2", 600, 90), arm("v1", 620, 62), Duration.ofHours(1));
    assertEquals(Verdict.PROMOTE, o.verdict(), o.reason());
    assertEquals(0.15 - 0.1, o.difference(), 1e-12);
    assertTrue(o.low() > 0 && o.high() > o.difference(), o.toString());
  }

  @Test
  void dropsAWorseChallenger() {
    var o = rule.decide(arm("v2", 600, 30), arm("v1", 620, 62), Duration.ofHours(1));
    assertEquals(Verdict.DROP, o.verdict(), o.reason());
    assertTrue(o.high() < 0, o.toString());
  }

  @Test
  void waitsForSlatesOfBothArms() {
    // Clearly better, but the champion has 499 slates: no decision yet.
    var o = rule.decide(arm("v2", 5000, 900), arm("v1", 499, 50), Duration.ofHours(1));
    assertEquals(Verdict.WAIT, o.verdict());
    assertTrue(o.reason().contains("500 slates"), o.reason());
  }

  @Test
  void waitsWhileTheIntervalStraddlesTheTolerance() {
    // Equal CTRs on 600 slates each: d = 0, interval about ±0.034, lower end below -0.005.
    var o = rule.decide(arm("v2", 600, 60), arm("v1", 600, 60), Duration.ofHours(1));
    assertEquals(Verdict.WAIT, o.verdict(), o.toString());
    // A loose tolerance promotes the equal challenger (non-inferiority).
    var loose = new ChallengerRule(500, 0.05, Duration.ofDays(7));
    assertEquals(
        Verdict.PROMOTE,
        loose.decide(arm("v2", 600, 60), arm("v1", 600, 60), Duration.ofHours(1)).verdict());
  }

  @Test
  void dropsAfterTheLongestRun() {
    var o = rule.decide(arm("v2", 600, 60), arm("v1", 600, 60), Duration.ofDays(7));
    assertEquals(Verdict.DROP, o.verdict());
    assertTrue(o.reason().contains("challenger-max-duration"), o.reason());
    // Too few slates in 7 days: dropped too.
    assertEquals(
        Verdict.DROP, rule.decide(arm("v2", 3, 1), arm("v1", 3, 0), Duration.ofDays(8)).verdict());
  }

  @Test
  void refusesBadSettingsNamingThem() {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> new ChallengerRule(0, 0.005, Duration.ofDays(1)));
    assertTrue(e.getMessage().contains("carousel.training.challenger-min-slates"));
    e =
        assertThrows(
            IllegalArgumentException.class, () -> new ChallengerRule(5, -1, Duration.ofDays(1)));
    assertTrue(e.getMessage().contains("carousel.training.challenger-tolerance"));
    e = assertThrows(IllegalArgumentException.class, () -> new ChallengerRule(5, 0, Duration.ZERO));
    assertTrue(e.getMessage().contains("carousel.training.challenger-max-duration"));
  }

  private static Arm arm(String version, long slates, long clicked) {
    return new Arm(version, slates, clicked, 0);
  }
}
