package io.carousel.offline.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carousel.policy.EventType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 §4: a shop's event types beyond the four map to a reward weight ({@code --types
 * fav=0.6}) or to ignore, on real logs (OTTO sample, Diginetica sample) rewritten as a shop's CSV
 * export with some rows renamed to {@code fav} and {@code remove_from_cart}. The weight is real: an
 * interaction of weight w is a target (training example, popularity count) with probability w.
 */
class WeightedTypesTest {
  @TempDir Path tmp;

  /** The OTTO sample as a CSV: every other cart renamed fav, every 10th click remove_from_cart. */
  private Path ottoExport(Map<String, Long> expected) throws IOException {
    Path root = RealData.rootWith("otto-sample");
    ObjectMapper json = new ObjectMapper();
    StringBuilder csv = new StringBuilder("user,item,event,time\n");
    int carts = 0;
    int clicks = 0;
    for (String line : Files.readAllLines(root.resolve("otto-sample/train.jsonl"))) {
      JsonNode session = json.readTree(line);
      for (JsonNode e : session.get("events")) {
        String type = e.get("type").asText();
        if (type.equals("carts") && carts++ % 2 == 0) {
          type = "fav";
        } else if (type.equals("clicks") && clicks++ % 10 == 0) {
          type = "remove_from_cart";
        }
        expected.merge(type, 1L, Long::sum);
        csv.append(session.get("session").asText())
            .append(',')
            .append(e.get("aid").asText())
            .append(',')
            .append(type)
            .append(',')
            .append(e.get("ts").asLong())
            .append('\n');
      }
    }
    Path f = tmp.resolve("otto-export.csv");
    Files.writeString(f, csv);
    return f;
  }

  /** The Diginetica sample as a CSV with every third row's type fav (the rest view). */
  private Path digineticaExport() throws IOException {
    Path root = RealData.rootWith("diginetica-sample");
    List<String> lines =
        Files.readAllLines(
            root.resolve("diginetica-sample/sample_train-item-views.csv"), StandardCharsets.UTF_8);
    StringBuilder csv = new StringBuilder("session,item,type,time\n");
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(";");
      long day = LocalDate.parse(f[4]).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      csv.append(f[0])
          .append(',')
          .append(f[2])
          .append(',')
          .append(i % 3 == 0 ? "fav" : "view")
          .append(',')
          .append(day + Long.parseLong(f[3]))
          .append('\n');
    }
    Path out = tmp.resolve("diginetica-export.csv");
    Files.writeString(out, csv);
    return out;
  }

  private static String digineticaName(Path f, String fav) {
    return "file:" + f + ";columns=user=session;types=fav=" + fav;
  }

  @Test
  void theImportReportCountsRowsPerMappedTypeOnTheOttoSample() throws IOException {
    Map<String, Long> expected = new LinkedHashMap<>();
    Path f = ottoExport(expected);
    FileSource source =
        FileSource.parse(
            "file:"
                + f
                + ";columns=type=event;types=clicks=click,carts=add_to_cart,orders=purchase"
                + ",fav=0.6,remove_from_cart=ignore");
    LogBuilder log = new LogBuilder(false);
    RowReport report = FileLogReader.read(source, log).log();
    // OTTO sample: 800 clicks, 52 carts, 10 orders; 80 clicks and 26 carts renamed.
    assertEquals(
        Map.of("clicks", 720L, "remove_from_cart", 80L, "carts", 26L, "fav", 26L, "orders", 10L),
        expected);
    assertEquals(expected, report.rowsByType());
    assertEquals(80, report.ignoredRows());
    assertEquals(0, report.badRows());
    String summary = report.summary();
    assertTrue(summary.contains("rows by type: remove_from_cart\u2192ignore 80,"), summary);
    assertTrue(summary.contains("clicks\u2192click 720"), summary);
    assertTrue(summary.contains("fav\u2192weight 0.6 26"), summary);
    assertTrue(summary.contains("carts\u2192add_to_cart 26"), summary);
    assertTrue(summary.contains("orders\u2192purchase 10"), summary);

    Dataset d = log.build("otto");
    List<Interaction> favs = d.interactions().stream().filter(i -> i.weight() < 1).toList();
    assertTrue(favs.size() >= 25, "26 fav rows (an exact repeat may be merged): " + favs.size());
    for (Interaction i : favs) {
      assertEquals(0.6, i.weight());
      // 0.6 is as far from view's 0.2 as from click's 1.0; ties go to view.
      assertEquals(EventType.VIEW, i.type(), "sent to the live API as the nearest built-in type");
    }
    assertEquals(EventType.CLICK, FileSource.nearestType(0.61));
    assertEquals(EventType.VIEW, FileSource.nearestType(0.0));
  }

  @Test
  void aContextOnlyTypeIsNeverAPopularityCountOrTrainingTarget() throws IOException {
    Path f = digineticaExport();
    Dataset d = DatasetReader.read(Path.of("unused"), digineticaName(f, "0"));
    long favs = d.interactions().stream().filter(i -> i.weight() == 0).count();
    long views = d.interactions().size() - favs;
    // Diginetica sample: 12,391 rows, a third renamed fav (4,130).
    assertTrue(favs > 3_900 && views > 7_900, favs + " fav, " + views + " view");

    long[] counts = TimeSplit.itemCounts(d.interactions(), d.catalog());
    assertEquals(views, java.util.Arrays.stream(counts).sum(), "fav=0 rows are never counted");
    long[] viewCounts = new long[d.catalog().size()];
    for (Interaction i : d.interactions()) {
      if (i.type() == EventType.VIEW && i.weight() == 1) {
        viewCounts[d.catalog().indexOf(i.itemId())]++;
      }
    }
    assertArrayEquals(viewCounts, counts);

    int targets =
        TimeSplit.trainingSequences(d.interactions(), d.catalog()).values().stream()
            .mapToInt(s -> s.length)
            .sum();
    int all =
        TimeSplit.sequencesByUser(d.interactions(), d.catalog()).values().stream()
            .mapToInt(s -> s.length)
            .sum();
    assertEquals(views, targets, "training sequences hold no context-only row");
    assertEquals(d.interactions().size(), all, "histories still hold them");
  }

  @Test
  void aHalfWeightCountsHalfInPopularityDeterministically() throws IOException {
    Path f = digineticaExport();
    Dataset half = DatasetReader.read(Path.of("unused"), digineticaName(f, "0.5"));
    Dataset again = DatasetReader.read(Path.of("unused"), digineticaName(f, "0.5"));
    long favs = half.interactions().stream().filter(i -> i.weight() == 0.5).count();
    long views = half.interactions().size() - favs;
    long counted =
        java.util.Arrays.stream(TimeSplit.itemCounts(half.interactions(), half.catalog())).sum();
    long favCounted = counted - views;
    // Binomial(n ≈ 4,000, 0.5): sd ≈ 32, so ± 200 is more than 6 sd.
    assertTrue(Math.abs(favCounted - favs / 2.0) < 200, favCounted + " of " + favs + " fav rows");
    assertArrayEquals(
        TimeSplit.itemCounts(half.interactions(), half.catalog()),
        TimeSplit.itemCounts(again.interactions(), again.catalog()),
        "the draw is a hash of (user, item, time): every run agrees");

    Dataset full = DatasetReader.read(Path.of("unused"), digineticaName(f, "1"));
    assertEquals(
        full.interactions().size(),
        java.util.Arrays.stream(TimeSplit.itemCounts(full.interactions(), full.catalog())).sum(),
        "weight 1 counts every row, as before weights existed");
  }

  @Test
  void aBadWeightNamesTheOptionTheTypeAndTheFix() {
    for (String bad : List.of("2", "-1", "1.5", "0.5.1")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> FileSource.parse("file:x.csv;types=fav=" + bad),
              bad);
      assertTrue(
          e.getMessage()
              .startsWith(
                  "--types fav="
                      + bad
                      + ": a reward weight must be a number in [0, 1] (1 = a target like a click,"
                      + " 0 = context only: kept in the shopper's history, never a target), e.g."
                      + " --types fav=0.5, or fav=ignore to skip such rows"),
          e.getMessage());
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> FileSource.name("shop.csv", null, null, "fav=abc", null, null));
    assertTrue(
        e.getMessage()
            .startsWith(
                "--types fav=abc: the target must be view, click, add_to_cart, purchase, ignore"
                    + " or a reward weight in [0, 1]"),
        e.getMessage());
    assertTrue(e.getMessage().contains("e.g. --types fav=click or --types fav=0.5"));
  }

  @Test
  void aWeightAndAnotherTargetForOneTypeIsRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new FileSource(
                Path.of("x.csv"),
                FileSource.Format.CSV,
                Map.of(),
                Map.of("fav", EventType.CLICK),
                null,
                0.01,
                false,
                java.util.Set.of(),
                Map.of("fav", 0.5)));
  }
}
