package io.carousel.engine.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carousel.engine.DatasetMissingException;
import io.carousel.engine.Interaction;
import io.carousel.engine.Item;
import io.carousel.policy.EventType;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * Reads a {@link FileSource}: the interaction log and the optional item file, CSV (RFC 4180 quoting
 * within a line), TSV (no quoting) or NDJSON (one JSON object per line), plain or gzip (detected by
 * the magic bytes {@code 1f 8b}). Bad rows are counted in a {@link RowReport}, never silently
 * dropped; reading fails only when their share exceeds {@link FileSource#maxBadRows()}.
 */
public final class FileLogReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What was read.
   *
   * @param log the interaction log's report
   * @param items the item file's report, or null without {@code --items}
   */
  public record Reports(RowReport log, RowReport items) {}

  private FileLogReader() {}

  /**
   * Adds every good row of {@code source} to {@code log}.
   *
   * @throws DatasetMissingException if a file does not exist
   * @throws BadRowsException if a file has more bad rows than allowed
   * @throws IllegalArgumentException if a CSV/TSV header lacks a mapped column or a gzip file is
   *     corrupt or truncated
   * @throws UncheckedIOException if a file cannot be read
   */
  static Reports read(FileSource source, LogBuilder log) {
    RowReport items = null;
    if (source.items() != null) {
      items = new RowReport(source.items());
      readRows(
          "--items",
          source.items(),
          FileSource.Format.fromName(source.items().toString()),
          items,
          List.of("id"),
          row -> item(row, log));
      items.check(source.maxBadRows());
    }
    RowReport interactions = new RowReport(source.path());
    List<String> required =
        List.of(source.column("user"), source.column("item"), source.column("time"));
    readRows(
        "--dataset",
        source.path(),
        source.format(),
        interactions,
        required,
        row -> interaction(row, source, log));
    interactions.check(source.maxBadRows());
    return new Reports(interactions, items);
  }

  /** Latest (and, negated, earliest) accepted time, epoch ms ({@link EventTimes}). */
  static final long MAX_ABS_TIME_MS = EventTimes.MAX_ABS_TIME_MS;

  /**
   * Parses epoch seconds, epoch millis (|value| ≥ 1e11) or ISO-8601 into epoch ms UTC: the one rule
   * the HTTP API shares ({@link EventTimes#parseMs}).
   *
   * @throws IllegalArgumentException if the value is none of them or lies beyond the year 10000
   */
  static long parseTimeMs(String value) {
    return EventTimes.parseMs(value);
  }

  /** A row reader's verdict: null when the row was good, else why not. */
  private static String interaction(Function<String, String> row, FileSource s, LogBuilder log) {
    String user = row.apply(s.column("user"));
    String item = row.apply(s.column("item"));
    String time = row.apply(s.column("time"));
    if (user == null || user.isBlank()) {
      return "empty " + s.column("user");
    }
    if (item == null || item.isBlank()) {
      return "empty " + s.column("item");
    }
    if (time == null || time.isBlank()) {
      return "empty " + s.column("time");
    }
    String rawType = row.apply(s.column("type"));
    EventType type;
    if (rawType == null || rawType.isBlank()) {
      type = EventType.VIEW;
    } else if (s.types().containsKey(rawType.trim())) {
      type = s.types().get(rawType.trim());
    } else {
      try {
        type = EventType.fromWire(rawType);
      } catch (IllegalArgumentException e) {
        return "unknown event type '" + rawType + "' (map it with --types " + rawType + "=view)";
      }
    }
    long ms;
    try {
      ms = parseTimeMs(time);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    log.add(new Interaction(user.trim(), item.trim(), type, ms));
    return null;
  }

  private static String item(Function<String, String> row, LogBuilder log) {
    String id = row.apply("id");
    if (id == null || id.isBlank()) {
      return "empty id";
    }
    String title = orEmpty(row.apply("title"));
    String description = orEmpty(row.apply("description"));
    String text =
        title.isEmpty() || description.isEmpty() ? title + description : title + ". " + description;
    log.describe(new Item(id.trim(), ItemText.clean(text), orEmpty(row.apply("category"))));
    return null;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s.trim();
  }

  private static void readRows(
      String option,
      Path file,
      FileSource.Format format,
      RowReport report,
      List<String> required,
      Function<Function<String, String>, String> handle) {
    if (!Files.isRegularFile(file)) {
      // Named by the option the user gave it with, so that a missing --items is not reported as
      // a missing dataset.
      throw DatasetMissingException.optionFile(option, file);
    }
    try (BufferedReader in = open(file)) {
      Map<String, Integer> header = null;
      long lineNo = 0;
      String line;
      while ((line = readLine(in, file, lineNo)) != null) {
        lineNo++;
        if (lineNo == 1 && line.startsWith("\uFEFF")) {
          // A UTF-8 byte order mark (spreadsheet exports): not part of the first header name.
          line = line.substring(1);
        }
        if (line.isBlank()) {
          continue;
        }
        if (format != FileSource.Format.NDJSON && header == null) {
          header = header(file, split(line, format), required);
          continue;
        }
        String reason;
        try {
          Function<String, String> row =
              format == FileSource.Format.NDJSON ? json(line) : fields(line, format, header);
          reason = handle.apply(row);
        } catch (IllegalArgumentException e) {
          reason = e.getMessage();
        }
        if (reason == null) {
          report.good();
        } else {
          report.bad(lineNo, reason);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
    }
  }

  /**
   * Reads the next line; a corrupt or truncated gzip stream is bad input (an {@link
   * IllegalArgumentException} naming the file and the line), not an I/O failure with a stack trace.
   */
  private static String readLine(BufferedReader in, Path file, long linesRead) throws IOException {
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

  private static Map<String, Integer> header(Path file, List<String> names, List<String> required) {
    if (names == null) {
      throw new IllegalArgumentException(file + " line 1: unterminated quote in the header");
    }
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      index.putIfAbsent(names.get(i).trim(), i);
    }
    for (String column : required) {
      if (!index.containsKey(column)) {
        throw new IllegalArgumentException(
            file
                + ": the header "
                + names
                + " has no column '"
                + column
                + "' (map it with --columns)");
      }
    }
    return index;
  }

  private static Function<String, String> fields(
      String line, FileSource.Format format, Map<String, Integer> header) {
    List<String> f = split(line, format);
    if (f == null) {
      throw new IllegalArgumentException("unterminated quote");
    }
    if (f.size() != header.size()) {
      throw new IllegalArgumentException(
          "expected " + header.size() + " fields, found " + f.size());
    }
    return name -> {
      Integer i = header.get(name);
      return i == null ? null : f.get(i);
    };
  }

  private static Function<String, String> json(String line) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage().split("\n")[0]);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    return name -> {
      JsonNode v = node.get(name);
      if (v == null || v.isNull()) {
        return null;
      }
      if (v.isContainerNode()) {
        // asText() of an object or array is "", which was reported as "empty <column>".
        throw new IllegalArgumentException(
            "'" + name + "' is a JSON " + (v.isObject() ? "object" : "array") + ", not a value");
      }
      if (v.isIntegralNumber()) {
        return String.valueOf(v.longValue());
      }
      return v.isNumber() ? v.decimalValue().toPlainString() : v.asText();
    };
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

  private static BufferedReader open(Path file) throws IOException {
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
