package io.carousel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class FileDatasetOptionsTest {
  @Test
  void foldsFileOptionsIntoTheDatasetNameWhateverTheirOrder() {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve)
        .parseArgs(
            "--types",
            "pv=view",
            "--dataset",
            "file:shop.tsv",
            "--columns",
            "user=u,item=i,time=t",
            "--max-bad-rows",
            "0.05");
    serve.node.toConfig();
    assertEquals(
        "file:shop.tsv;columns=user=u,item=i,time=t;types=pv=view;max-bad-rows=0.05",
        serve.node.dataset);
  }

  @Test
  void leavesNamedDatasetsAloneAndRejectsFileOptionsWithoutAFile() {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs("--dataset", "movielens-100k");
    serve.node.toConfig();
    assertEquals("movielens-100k", serve.node.dataset);
    ServeCommand wrong = new ServeCommand();
    new CommandLine(wrong).parseArgs("--format", "tsv");
    assertThrows(IllegalArgumentException.class, () -> wrong.node.toConfig());
  }

  @Test
  void evaluateAcceptsTheSameOptions() {
    EvaluateCommand evaluate = new EvaluateCommand();
    new CommandLine(evaluate).parseArgs("--dataset", "file:a.ndjson", "--items", "items.csv");
    assertEquals("file:a.ndjson;items=items.csv", evaluate.file.fold(evaluate.dataset));
  }

  @Test
  void noHeaderFoldsIntoTheNameAndNeedsPositions() {
    EvaluateCommand evaluate = new EvaluateCommand();
    new CommandLine(evaluate)
        .parseArgs(
            "--dataset",
            "file:export.csv",
            "--no-header",
            "--columns",
            "user=1,item=2,category=3,type=4,time=5",
            "--types",
            "fav=click,remove=ignore");
    assertEquals(
        "file:export.csv;no-header=true;columns=user=1,item=2,category=3,type=4,time=5"
            + ";types=fav=click,remove=ignore",
        evaluate.file.fold(evaluate.dataset));
    EvaluateCommand byName = new EvaluateCommand();
    new CommandLine(byName)
        .parseArgs("--dataset", "file:export.csv", "--no-header", "--columns", "user=visitor");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> byName.file.fold(byName.dataset));
    assertTrue(e.getMessage().contains("--no-header needs the position"), e.getMessage());
  }
}
