package io.carousel.offline.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed shop files found by the hardening pass: each is bad input with a message naming the
 * file (and the line where there is one), never a crash with a stack trace or a confusing report.
 */
class FileLogReaderEdgeTest {
  private static final String HEADER = "user,item,type,time\n";
  private static final String ROWS =
      "u1,i1,view,1700000000\nu1,i2,click,1700000060\nu2,i1,view,1700000120\n"
          + "u2,i3,purchase,1700000180\n";

  @TempDir Path tmp;

  private Path write(String name, byte[] bytes) throws IOException {
    Path p = tmp.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  private Path write(String name, String text) throws IOException {
    return write(name, text.getBytes(StandardCharsets.UTF_8));
  }

  private static Dataset read(Path file, String options) {
    return DatasetReader.read(Path.of("unused"), "file:" + file + options);
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  @Test
  void csvHeaderWithAByteOrderMarkIsRead() throws IOException {
    Dataset d = read(write("bom.csv", "\uFEFF" + HEADER + ROWS), "");
    assertEquals(4, d.interactions().size());
  }

  @Test
  void timeBeyondTheYear10000IsABadRowNotACrash() throws IOException {
    String rows = ROWS + "u3,i1,view,+999999999-12-31T23:59:59Z\nu3,i2,view,99999999999999999999\n";
    Path file = write("huge.csv", HEADER + rows);
    BadRowsException e = assertThrows(BadRowsException.class, () -> read(file, ""));
    assertEquals(6L, e.firstBadLine(), e.getMessage());
    assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    assertTrue(e.getMessage().contains("line 7"), e.getMessage());
    assertEquals(4, read(file, ";max-bad-rows=0.5").interactions().size());
    assertEquals(-1_000L, FileLogReader.parseTimeMs("-1"));
    assertEquals(253_402_300_799_000L, FileLogReader.parseTimeMs("9999-12-31T23:59:59Z"));
  }

  @Test
  void emptyOrHeaderOnlyFileSaysSoInsteadOfTooManyBadRows() throws IOException {
    for (Path file : new Path[] {write("empty.csv", ""), write("header.csv", HEADER)}) {
      BadRowsException e = assertThrows(BadRowsException.class, () -> read(file, ""));
      assertTrue(e.getMessage().contains("no data rows"), e.getMessage());
      assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
  }

  @Test
  void corruptOrTruncatedGzipIsBadInputNamingFileAndLine() throws IOException {
    byte[] gz = gzip(HEADER + ROWS.repeat(500));
    Path truncated = write("truncated.csv.gz", Arrays.copyOf(gz, gz.length / 2));
    IllegalArgumentException t =
        assertThrows(IllegalArgumentException.class, () -> read(truncated, ""));
    assertTrue(t.getMessage().startsWith(truncated + " line "), t.getMessage());
    assertTrue(t.getMessage().contains("gzip"), t.getMessage());

    byte[] garbage = new byte[300];
    Arrays.fill(garbage, (byte) 7);
    garbage[0] = 0x1f;
    garbage[1] = (byte) 0x8b;
    Path bad = write("garbage.csv.gz", garbage);
    IllegalArgumentException g = assertThrows(IllegalArgumentException.class, () -> read(bad, ""));
    assertTrue(g.getMessage().startsWith(bad + " line 1: not a readable gzip"), g.getMessage());
  }

  @Test
  void ndjsonObjectOrArrayValueIsNamedNotCalledEmpty() throws IOException {
    String rows =
        "{\"user\":\"u1\",\"item\":\"i1\",\"time\":1700000000}\n"
            + "{\"user\":{\"id\":1},\"item\":\"i1\",\"time\":1700000000}\n"
            + "{\"user\":\"u2\",\"item\":[\"i1\"],\"time\":1700000000}\n";
    Path file = write("nested.ndjson", rows);
    BadRowsException e = assertThrows(BadRowsException.class, () -> read(file, ""));
    assertEquals(2L, e.firstBadLine(), e.getMessage());
    assertTrue(e.getMessage().contains("line 2: 'user' is a JSON object"), e.getMessage());
    assertTrue(e.getMessage().contains("line 3: 'item' is a JSON array"), e.getMessage());
  }
}
