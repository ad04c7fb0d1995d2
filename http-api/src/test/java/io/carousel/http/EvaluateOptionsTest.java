package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code carousel evaluate} rejects a bad numeric option up front, naming it (exit code 2), before
 * reading or training anything.
 */
class EvaluateOptionsTest {
  private static EvaluateCommand parse(String... args) {
    EvaluateCommand evaluate = new EvaluateCommand();
    new CommandLine(evaluate).parseArgs(args);
    return evaluate;
  }

  private static void assertRejected(String option, String value) {
    EvaluateCommand e = parse("--dataset", "movielens-100k", option, value);
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e::validate);
    assertTrue(ex.getMessage().startsWith(option + " "), ex.getMessage());
  }

  @Test
  void rejectsNonPositiveSizesAndRatesNamingTheOption() {
    assertRejected("--cold-items", "2");
    assertRejected("--cold-items", "NaN");
    assertRejected("--dim", "0");
    assertRejected("--epochs", "-1");
    assertRejected("--patience", "-1");
    assertRejected("--ease-max-items", "-5");
    assertRejected("--history", "20,0");
    assertRejected("--lr", "NaN");
    assertRejected("--lr", "Infinity");
    assertRejected("--ease-lambda", "-20");
    assertRejected("--dim", "64,0");
    assertRejected("--id-l2", "-1");
    assertRejected("--tower", "lstm");
    assertRejected("--protocol", "sr-gnn");
    assertRejected("--max-cases", "0");
    assertRejected("--max-users", "0");
    assertRejected("--validation-cases", "0");
    assertRejected("--validation-share", "1");
    assertRejected("--validation-share", "NaN");
  }

  @Test
  void thePublishedProtocolNamesTheTwoDatasetsItHasFiguresFor() {
    EvaluateCommand e = parse("--dataset", "movielens-100k", "--protocol", "published");
    e.validate();
    IllegalArgumentException ex =
        assertThrows(IllegalArgumentException.class, () -> SessionBenchmarkCommand.run(e));
    assertTrue(
        ex.getMessage()
            .equals(
                "--protocol published needs --dataset diginetica-gcegnn or tmall-gcegnn, got"
                    + " movielens-100k"),
        ex.getMessage());
  }

  @Test
  void acceptsTheDefaultsAndZeroPatience() {
    parse("--dataset", "movielens-100k").validate();
    parse("--dataset", "movielens-100k", "--patience", "0", "--cold-items", "0.2").validate();
  }
}
