package io.carousel.offline.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.policy.EventType;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLogReaderTest {
  private static final String CSV_OPTIONS =
      ";columns=user=visitor,item=sku,type=event,time=ts;types=pv=view,cart=add_to_cart,buy=purchase";

  @TempDir Path tmp;

  private static Path fixture(String name) {
    try {
      return Path.of(FileLogReaderTest.class.getResource("/shop/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Dataset read(String name) {
    return DatasetReader.read(Path.of("unused"), name);
  }

  private static Interaction find(Dataset d, String user, String item) {
    return d.interactions().stream()
        .filter(i -> i.userId().equals(user) && i.itemId().equals(item))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void readsMappedCsvWithEveryTimeFormatAndTypeMapping() {
    Dataset d = read("file:" + fixture("events.csv") + CSV_OPTIONS + ";max-bad-rows=0.2");
    assertEquals(29, d.interactions().size());
    assertEquals(1_700_000_000_000L, find(d, "u1", "mug-02").timestampMs() - 60_000L);
    assertEquals(1_700_000_030_000L, find(d, "u2", "tea-11").timestampMs());
    assertEquals(1_700_000_400_000L, find(d, "u3", "mug-02").timestampMs());
    assertEquals(1_700_000_460_000L, find(d, "u3", "tea-11").timestampMs());
    assertEquals(1_700_000_520_000L, find(d, "u3", "kettle, steel").timestampMs());
    assertEquals(1_700_000_580_000L, find(d, "u3", "mug-01").timestampMs());
    assertEquals(1_700_006_400_000L, find(d, "u4", "tea-12").timestampMs());
    assertEquals(EventType.CLICK, find(d, "u3", "mug-01").type());
    assertEquals(EventType.PURCHASE, find(d, "u4", "tea-11").type());
    long carts = d.interactions().stream().filter(i -> i.type() == EventType.ADD_TO_CART).count();
    assertEquals(1, carts);
    assertEquals(EventType.PURCHASE, find(d, "u9", "tea-11").type());
  }

  @Test
  void countsBadRowsWithLineNumbers() {
    LogBuilder log = new LogBuilder(false);
    FileSource source =
        FileSource.parse("file:" + fixture("events.csv") + CSV_OPTIONS + ";max-bad-rows=0.2");
    RowReport r = FileLogReader.read(source, log).log();
    assertEquals(34, r.rows());
    assertEquals(5, r.badRows());
    List<Long> lines = r.firstBad().stream().map(RowReport.BadRow::line).toList();
    assertEquals(List.of(27L, 28L, 29L, 30L, 31L), lines);
    assertTrue(r.firstBad().get(0).reason().contains("yesterday"));
    assertTrue(r.firstBad().get(1).reason().contains("empty user in column 'visitor' (1)"));
    assertTrue(r.firstBad().get(2).reason().contains("expected 4 fields, found 3"));
    assertTrue(r.firstBad().get(3).reason().contains("wishlist"));
    assertTrue(r.firstBad().get(4).reason().contains("unterminated quote"));
    assertTrue(r.summary().contains("34 rows, 5 bad (14.71 %); line 27:"), r.summary());
  }

  @Test
  void failsOverTheBadRowShareNamingFileAndLine() {
    BadRowsException e =
        assertThrows(
            BadRowsException.class, () -> read("file:" + fixture("events.csv") + CSV_OPTIONS));
    assertEquals(27L, e.firstBadLine());
    assertTrue(e.getMessage().contains("events.csv"), e.getMessage());
    assertTrue(e.getMessage().contains("line 27"), e.getMessage());
    assertTrue(e instanceof IllegalArgumentException, "the CLI maps it to exit code 2");
  }

  @Test
  void readsGzipDetectedByMagicBytesWhateverTheName() throws IOException {
    Path gz = tmp.resolve("events.log");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(Files.readAllBytes(fixture("events.csv")));
    }
    Dataset d = read("file:" + gz + ";format=csv" + CSV_OPTIONS + ";max-bad-rows=0.2");
    assertEquals(29, d.interactions().size());
  }

  @Test
  void readsNdjsonWithNumbersAndReportsBrokenLines() {
    LogBuilder log = new LogBuilder(false);
    FileSource source = FileSource.parse("file:" + fixture("events.ndjson") + ";max-bad-rows=0.3");
    assertEquals(FileSource.Format.NDJSON, source.format());
    RowReport r = FileLogReader.read(source, log).log();
    assertEquals(13, r.rows());
    assertEquals(
        List.of(10L, 11L, 12L), r.firstBad().stream().map(RowReport.BadRow::line).toList());
    Dataset d = log.build("ndjson");
    assertEquals(10, d.interactions().size());
    assertEquals(EventType.VIEW, find(d, "b", "tea-10").type());
    assertEquals(1_700_000_400_500L, find(d, "b", "tea-11").timestampMs());
    Interaction bought =
        d.interactions().stream().filter(i -> i.type() == EventType.PURCHASE).findFirst().get();
    assertEquals("mug-01", bought.itemId());
    assertEquals(1_700_000_200_000L, bought.timestampMs());
    assertEquals("42", find(d, "c", "42").itemId());
  }

  @Test
  void attachesItemTextFromTheItemFile() {
    Dataset d =
        read(
            "file:"
                + fixture("events.csv")
                + CSV_OPTIONS
                + ";max-bad-rows=0.2;items="
                + fixture("items.csv"));
    var kettle = d.catalog().items().stream().filter(i -> i.itemId().equals("kettle, steel"));
    assertEquals("Steel kettle. 1.7 l stovetop kettle", kettle.findFirst().orElseThrow().text());
    var mug = d.catalog().items().stream().filter(i -> i.itemId().equals("mug-02")).findFirst();
    assertEquals("Red mug. A \"classic\" diner mug", mug.orElseThrow().text());
    assertEquals("kitchen", mug.orElseThrow().category());
  }

  @Test
  void readsTsvAndRejectsAHeaderWithoutAMappedColumn() throws IOException {
    Path tsv = tmp.resolve("log.tsv");
    Files.writeString(tsv, "user\titem\ttime\nx\ti1\t1700000000\nx\ti2\t1700000001\n");
    Dataset d = read("file:" + tsv);
    assertEquals(2, d.interactions().size());
    assertEquals(EventType.VIEW, d.interactions().get(0).type());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> read("file:" + tsv + ";columns=user=who"));
    assertTrue(e.getMessage().contains("'who'"), e.getMessage());
  }

  @Test
  void parsesEpochSecondsMillisAndIso() {
    assertEquals(1_700_000_000_000L, FileLogReader.parseTimeMs("1700000000"));
    assertEquals(1_700_000_000_000L, FileLogReader.parseTimeMs("1700000000000"));
    assertEquals(1_700_000_000_000L, FileLogReader.parseTimeMs("2023-11-14T22:13:20Z"));
    assertEquals(1_700_000_000_000L, FileLogReader.parseTimeMs("2023-11-15T00:13:20+02:00"));
    assertThrows(IllegalArgumentException.class, () -> FileLogReader.parseTimeMs("soon"));
  }

  @Test
  void rejectsMalformedOptionsAndMissingFiles() {
    assertThrows(IllegalArgumentException.class, () -> FileSource.parse("file:x.csv;format=xml"));
    assertThrows(IllegalArgumentException.class, () -> FileSource.parse("file:x.csv;columns=sku"));
    assertThrows(
        IllegalArgumentException.class, () -> FileSource.parse("file:x.csv;columns=price=p"));
    assertThrows(
        IllegalArgumentException.class, () -> FileSource.parse("file:x.csv;types=pv=glance"));
    assertThrows(
        IllegalArgumentException.class, () -> FileSource.parse("file:x.csv;max-bad-rows=2"));
    assertThrows(DatasetMissingException.class, () -> read("file:" + tmp.resolve("none.csv")));
    assertEquals(
        "file:a.csv;format=tsv;max-bad-rows=0.5",
        FileSource.name("a.csv", "tsv", null, null, null, 0.5));
    assertTrue(DatasetReader.isKnown("file:a.csv"));
  }

  @Test
  void namesTheOptionOfAMissingFile() {
    Path items = tmp.resolve("shop-items.csv");
    DatasetMissingException missingItems =
        assertThrows(
            DatasetMissingException.class,
            () -> read("file:" + fixture("events.csv") + CSV_OPTIONS + ";items=" + items));
    assertEquals("--items file not found: " + items.toAbsolutePath(), missingItems.getMessage());
    Path log = tmp.resolve("none.csv");
    DatasetMissingException missingLog =
        assertThrows(DatasetMissingException.class, () -> read("file:" + log));
    assertEquals("--dataset file not found: " + log.toAbsolutePath(), missingLog.getMessage());
  }
}
