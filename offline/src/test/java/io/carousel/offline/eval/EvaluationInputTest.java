package io.carousel.offline.eval;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.engine.Catalog;
import io.carousel.engine.Item;
import io.carousel.offline.data.Dataset;
import io.carousel.offline.data.Interaction;
import io.carousel.offline.train.TwoTowerConfig;
import io.carousel.policy.EventType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A log that leave-one-out cannot evaluate is bad input, not a table of zeros. */
class EvaluationInputTest {
  @Test
  void logWithoutAnyUserOfThreeInteractionsIsRejectedBeforeAnyModelRuns() {
    List<Item> items = new ArrayList<>();
    List<Interaction> log = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      items.add(new Item("i" + i, "", ""));
    }
    for (int u = 0; u < 40; u++) {
      log.add(new Interaction("u" + u, "i" + (u % 5), EventType.VIEW, 1_000L * u));
      if (u % 2 == 0) {
        log.add(new Interaction("u" + u, "i" + ((u + 1) % 5), EventType.VIEW, 1_000L * u + 1));
      }
    }
    Dataset d = new Dataset("file:short.csv", new Catalog(items), log);
    Evaluation.Options options =
        new Evaluation.Options(
            List.of(TwoTowerConfig.defaults()), List.of(20.0), 100, 1, 0.0, false, 42L);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Evaluation.run(
                    d,
                    new float[5][1],
                    options,
                    new PrintStream(out, true, StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().startsWith("file:short.csv: no user"), e.getMessage());
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(!printed.contains("HR@10"), "no model ran: " + printed);
  }
}
