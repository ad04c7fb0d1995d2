package io.carousel.offline.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.engine.Item;
import io.carousel.policy.EventType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, section 4: a real shop's export (header-less, a category column in the event log, event
 * types beyond the four) imports without hand edits, and every import error names the file, the
 * line, the column and the fix.
 */
class FileImportTest {
  /** A header-less export as it came from the shop: user, item, category, type, time. */
  private static final String HEADERLESS =
      "1,2268318,2520377,pv,1511544070\n"
          + "1,2333346,2520771,fav,1511561733\n"
          + "1,2576651,149192,remove,1511572885\n"
          + "2,2268318,2520377,buy,1511600000\n";

  @TempDir Path tmp;

  private Path write(String name, String text) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private static Dataset read(String name) {
    return DatasetReader.read(Path.of("unused"), name);
  }

  private static Item item(Dataset d, String id) {
    return d.catalog().get(d.catalog().indexOf(id));
  }

  @Test
  void aHeaderlessCsvIsReadByColumnPosition() throws IOException {
    Path f = write("export.csv", HEADERLESS);
    Dataset d =
        read(
            "file:"
                + f
                + ";no-header=true;columns=user=1,item=2,category=3,type=4,time=5"
                + ";types=pv=view,fav=click,remove=ignore,buy=purchase");
    assertEquals(3, d.interactions().size(), "the remove row is ignored, the rest read");
    assertEquals(1_511_544_070_000L, d.interactions().get(0).timestampMs());
    assertEquals("1", d.interactions().get(0).userId(), "line 1 is data, not a header");
    assertEquals(EventType.CLICK, d.interactions().get(1).type(), "fav=click");
    assertEquals(EventType.PURCHASE, d.interactions().get(2).type());
  }

  @Test
  void aFirstLineThatLooksLikeDataIsNamedAsSuchWithTheFix() throws IOException {
    Path f = write("export.csv", HEADERLESS);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> read("file:" + f));
    String m = e.getMessage();
    assertTrue(m.startsWith(f + " line 1: the header [1, 2268318,"), m);
    assertTrue(m.contains("has no column 'user'"), m);
    assertTrue(m.contains("line 1 looks like data, not a header (values like '1')"), m);
    assertTrue(m.contains("add --no-header"), m);
    assertTrue(m.contains("--columns user=1,item=2,time=3"), m);
  }

  @Test
  void aMissingColumnOfARealHeaderNamesTheMappingFix() throws IOException {
    Path f = write("log.csv", "visitor,sku,ts\nu,i,1700000000\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> read("file:" + f));
    assertTrue(
        e.getMessage()
            .endsWith(
                "has no column 'user' (fix: map it with --columns user=<header name or 1-based"
                    + " position>)"),
        e.getMessage());
    assertFalse(e.getMessage().contains("looks like data"), e.getMessage());
  }

  @Test
  void aColumnCanBeGivenByPositionNextToAHeader() throws IOException {
    Path f = write("log.csv", "visitor,sku,ts\nu,i,1700000000\nu,j,1700000001\n");
    Dataset d = read("file:" + f + ";columns=user=1,item=sku,time=3");
    assertEquals(2, d.interactions().size());
    assertEquals("j", d.interactions().get(1).itemId());
  }

  @Test
  void noHeaderNeedsAPositionForEveryColumnWithinTheLine() throws IOException {
    IllegalArgumentException byName =
        assertThrows(
            IllegalArgumentException.class,
            () -> FileSource.parse("file:x.csv;no-header=true;columns=user=visitor,item=2,time=3"));
    assertTrue(byName.getMessage().contains("user=visitor must be a 1-based column position"));
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> FileSource.parse("file:x.csv;no-header=true;columns=user=1,item=2"));
    assertTrue(missing.getMessage().endsWith("missing: time"), missing.getMessage());
    Path f = write("export.csv", HEADERLESS);
    IllegalArgumentException past =
        assertThrows(
            IllegalArgumentException.class,
            () -> read("file:" + f + ";no-header=true;columns=user=1,item=2,time=9"));
    assertEquals(
        f + " line 1: --columns time=9 but the line has 5 fields (fix: a position from 1 to 5)",
        past.getMessage());
  }

  @Test
  void aCategoryColumnOfTheEventLogGivesItemCategoriesAndTheItemsFileWins() throws IOException {
    Path log =
        write(
            "log.csv",
            "user,item,cat,time\nu,a,shoes,1700000000\nu,b,hats,1700000001\nv,a,boots,1700000002\n");
    Dataset d = read("file:" + log + ";columns=category=cat");
    assertEquals("shoes", item(d, "a").category(), "the first category seen for an item");
    assertEquals("hats", item(d, "b").category());
    Path items = write("items.csv", "id,title,category\nb,Straw hat,summer\nz,Scarf,winter\n");
    Dataset both = read("file:" + log + ";columns=category=cat;items=" + items);
    assertEquals("summer", item(both, "b").category(), "the --items file wins");
    assertEquals("shoes", item(both, "a").category());
    assertEquals(
        "Scarf", item(both, "z").text(), "a listed item without events is in the catalogue");
    assertEquals(Set.of("b", "z"), both.listed());
  }

  @Test
  void ignoredTypesAreCountedApartFromBadRows() throws IOException {
    Path f = write("export.csv", HEADERLESS);
    LogBuilder log = new LogBuilder(false);
    FileLogReader.Reports r =
        FileLogReader.read(
            FileSource.parse(
                "file:"
                    + f
                    + ";no-header=true;columns=user=1,item=2,type=4,time=5"
                    + ";types=pv=view,fav=click,remove=ignore,buy=purchase;max-bad-rows=0"),
            log);
    assertEquals(4, r.log().rows());
    assertEquals(0, r.log().badRows());
    assertEquals(1, r.log().ignoredRows());
    assertTrue(r.log().summary().contains("1 ignored (--types ...=ignore)"), r.log().summary());
  }

  @Test
  void anUnknownTypeNamesItsLineColumnAndBothFixes() throws IOException {
    Path f =
        write("log.csv", "user,item,event,time\nu,a,view,1700000000\nu,b,wishlist,1700000001\n");
    BadRowsException e =
        assertThrows(BadRowsException.class, () -> read("file:" + f + ";columns=type=event"));
    String m = e.getMessage();
    assertTrue(
        m.contains(
            "line 3: unknown event type 'wishlist' in column 'event' (3) (fix: map it with --types"
                + " wishlist=view|click|add_to_cart|purchase, to a reward weight in [0, 1] with"
                + " wishlist=<weight> (e.g. wishlist=0.5; 0 = context only, never a target), or"
                + " wishlist=ignore to skip such rows)"),
        m);
    assertTrue(m.contains(f.toString()), m);
    assertTrue(m.contains("allow a larger share with --max-bad-rows"), m);
  }

  @Test
  void aTimeErrorNamesItsColumn() throws IOException {
    Path f = write("log.csv", "user,item,ts\nu,a,1700000000\nu,b,soon\n");
    BadRowsException e =
        assertThrows(BadRowsException.class, () -> read("file:" + f + ";columns=time=ts"));
    assertTrue(
        e.getMessage()
            .contains(
                "line 3: time 'soon' is not epoch seconds, epoch millis or ISO-8601 in column 'ts'"
                    + " (3)"),
        e.getMessage());
  }

  @Test
  void aTypeMappedToNothingKnownNamesTheTargets() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> FileSource.parse("file:x.csv;types=fav=wish"));
    assertTrue(
        e.getMessage()
            .contains(
                "--types fav=wish: the target must be view, click, add_to_cart, purchase, ignore"
                    + " or a reward weight in [0, 1]"),
        e.getMessage());
    assertTrue(
        e.getMessage().contains("e.g. --types fav=click or --types fav=0.5"), e.getMessage());
  }

  @Test
  void aFileOfOnlyIgnoredTypesSaysSo() throws IOException {
    Path f = write("log.csv", "user,item,type,time\nu,a,remove,1700000000\n");
    BadRowsException e =
        assertThrows(BadRowsException.class, () -> read("file:" + f + ";types=remove=ignore"));
    assertTrue(e.getMessage().contains("all 1 rows have an ignored type"), e.getMessage());
  }
}
