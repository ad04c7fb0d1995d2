package io.carousel.offline.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.offline.data.Dataset;
import io.carousel.offline.data.DatasetReader;
import io.carousel.offline.data.Interaction;
import io.carousel.offline.data.RealData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 §4, evaluation: a context-only event ({@code --types fav=0}) is never held out and never
 * fit data, but stays in the shopper's history; on the Diginetica sample with every third row
 * renamed fav.
 */
class WeightedTargetsTest {
  @TempDir Path tmp;

  @Test
  void contextOnlyEventsAreHistoryButNeverTargetsNorFitData() throws IOException {
    Path root = RealData.rootWith("diginetica-sample");
    List<String> lines =
        Files.readAllLines(root.resolve("diginetica-sample/sample_train-item-views.csv"));
    StringBuilder csv = new StringBuilder("user,item,type,time\n");
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(";");
      long day = java.time.LocalDate.parse(f[4]).toEpochDay() * 86_400_000L;
      csv.append(f[0]).append(',').append(f[2]).append(',');
      csv.append(i % 3 == 0 ? "fav" : "view").append(',').append(day + Long.parseLong(f[3]));
      csv.append('\n');
    }
    Path file = tmp.resolve("export.csv");
    Files.writeString(file, csv);
    Dataset d = DatasetReader.read(Path.of("unused"), "file:" + file + ";types=fav=0");
    LeaveOneOut split = LeaveOneOut.of(d, 0.0, 42L);

    Map<String, List<Interaction>> byUser = new LinkedHashMap<>();
    for (Interaction it : d.interactions()) {
      byUser.computeIfAbsent(it.userId(), u -> new ArrayList<>()).add(it);
    }
    List<List<Interaction>> users = new ArrayList<>(byUser.values());
    assertEquals(users.size(), split.numUsers());
    long targets = d.interactions().stream().filter(Interaction::isTarget).count();
    int[] evaluated = split.evaluatedUsers();
    int fit = split.fitSequences(LeaveOneOut.Stage.TEST).stream().mapToInt(s -> s.length).sum();
    assertEquals(targets - evaluated.length, fit, "fit data: every target but the test targets");

    int favLast = 0;
    int favInHistory = 0;
    for (int u : evaluated) {
      List<Interaction> l = users.get(u);
      Interaction last = l.get(l.size() - 1);
      Interaction test = null;
      for (Interaction it : l) {
        test = it.isTarget() ? it : test;
      }
      assertEquals(
          d.catalog().indexOf(test.itemId()), split.target(u, LeaveOneOut.Stage.TEST), "user " + u);
      favLast += last.weight() == 0 ? 1 : 0;
      int before = l.indexOf(test);
      assertEquals(before, split.history(u, LeaveOneOut.Stage.TEST).length);
      favInHistory += l.subList(0, before).stream().anyMatch(i -> i.weight() == 0) ? 1 : 0;
    }
    // The old protocol held out each user's last event, a fav for about a third of them.
    assertTrue(favLast > evaluated.length / 5, favLast + " of " + evaluated.length);
    assertTrue(favInHistory > evaluated.length / 2, favInHistory + " of " + evaluated.length);
    assertFalse(evaluated.length == 0);
  }
}
