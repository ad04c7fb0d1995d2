package io.carousel.offline.data;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** The lines of a shop file: plain or gzip (by magic bytes), UTF-8, split as CSV or TSV. */
final class TextLines {
  private TextLines() {}

  /**
   * Reads the next line; a corrupt or truncated gzip stream is bad input (an {@link
   * IllegalArgumentException} naming the file and the line), not an I/O failure with a stack trace.
   */
  static String readLine(BufferedReader in, Path file, long linesRead) throws IOException {
    try {
      return in.readLine();
    } catch (java.util.zip.ZipException | java.io.EOFException e) {
      throw new IllegalArgumentException(
          file
              + " line "
              + (linesRead + 1)
              + ": not a readable gzip stream ("
              + e.getMessage()
              + "); "
              + linesRead
              + " lines read before it");
    }
  }

  /** Splits one line; CSV honours RFC 4180 quotes within the line; null on an open quote. */
  static List<String> split(String line, FileSource.Format format) {
    if (format == FileSource.Format.TSV) {
      return List.of(line.split("\t", -1));
    }
    List<String> out = new java.util.ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cur.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    if (quoted) {
      return null;
    }
    out.add(cur.toString());
    return out;
  }

  static BufferedReader open(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file));
    in.mark(2);
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    if (b1 == 0x1f && b2 == 0x8b) {
      try {
        in = new GZIPInputStream(in);
      } catch (java.util.zip.ZipException | java.io.EOFException e) {
        in.close();
        throw new IllegalArgumentException(
            file + " line 1: not a readable gzip stream (" + e.getMessage() + ")");
      }
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }
}
