package io.carousel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.engine.privacy.DpSettings;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --dp-epsilon}, {@code --dp-delta} and {@code --dp-seed} on serve, demo and evaluate. */
class PrivacyOptionsTest {
  private static ServeCommand serve(String... args) {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs(args);
    return serve;
  }

  private static DemoCommand demo(String... args) {
    DemoCommand demo = new DemoCommand();
    new CommandLine(demo).parseArgs(args);
    return demo;
  }

  @Test
  void withoutOptionsDpIsOff() {
    DpSettings dp = DpSettings.fromConfig(serve().node.toConfig());
    assertFalse(dp.enabled());
    assertTrue(dp.seed().isEmpty());
  }

  @Test
  void serveAndDemoTakeOneBudget() {
    DpSettings dp =
        DpSettings.fromConfig(
            demo("--dp-epsilon", "8", "--dp-delta", "1e-7", "--dp-seed", "3").node.toConfig());
    assertTrue(dp.enabled());
    assertEquals(8.0, dp.budget().epsilon(), 0);
    assertEquals(1e-7, dp.budget().delta(), 0);
    assertEquals(3L, dp.seed().getAsLong());
    assertFalse(DpSettings.fromConfig(serve("--dp-epsilon", "inf").node.toConfig()).enabled());
    IllegalArgumentException list =
        assertThrows(
            IllegalArgumentException.class, () -> serve("--dp-epsilon", "8,1").node.toConfig());
    assertTrue(list.getMessage().startsWith("--dp-epsilon takes one value"), list.getMessage());
  }

  @Test
  void badValuesNameTheOption() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> serve("--dp-epsilon", "0").node.toConfig());
    assertTrue(e.getMessage().startsWith("--dp-epsilon:"), e.getMessage());
    IllegalArgumentException d =
        assertThrows(
            IllegalArgumentException.class,
            () -> serve("--dp-epsilon", "1", "--dp-delta", "1.5").node.toConfig());
    assertTrue(d.getMessage().startsWith("--dp-delta:"), d.getMessage());
  }

  @Test
  void evaluateTakesAListOfBudgets() {
    EvaluateCommand ev = new EvaluateCommand();
    new CommandLine(ev).parseArgs("--dataset", "movielens-100k", "--dp-epsilon", "inf,8,1");
    List<DpSettings> all = ev.privacy.all();
    assertEquals(3, all.size());
    assertFalse(all.get(0).enabled());
    assertEquals(8.0, all.get(1).budget().epsilon(), 0);
    assertEquals(1.0, all.get(2).budget().epsilon(), 0);
    assertEquals(1e-6, all.get(2).budget().delta(), 0);
  }
}
