package io.carousel.offline.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carousel.engine.Item;
import io.carousel.engine.data.EventTimes;
import io.carousel.policy.EventType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

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
      Map<String, String> itemColumns = new LinkedHashMap<>();
      for (String c : List.of("id", "title", "description", "category")) {
        itemColumns.put(c, c);
      }
      readRows(
          "--items",
          source.items(),
          FileSource.Format.fromName(source.items().toString()),
          false,
          items,
          itemColumns,
          List.of("id"),
          (row, cols) -> item(row, log));
      items.check(source.maxBadRows());
    }
    RowReport interactions = new RowReport(source.path());
    Map<String, String> mapping = new LinkedHashMap<>();
    for (String c : List.of("user", "item", "time", "type", "category")) {
      if (source.noHeader()) {
        if (source.columns().containsKey(c)) {
          mapping.put(c, source.columns().get(c));
        }
      } else {
        mapping.put(c, source.column(c));
      }
    }
    // An explicitly mapped optional column must exist; the default "type"/"category" may not.
    List<String> required = new ArrayList<>(List.of("user", "item", "time"));
    for (String c : List.of("type", "category")) {
      if (source.columns().containsKey(c)) {
        required.add(c);
      }
    }
    readRows(
        "--columns",
        source.path(),
        source.format(),
        source.noHeader(),
        interactions,
        mapping,
        required,
        (row, cols) -> interaction(row, cols, source, log, interactions));
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

  /**
   * A row handler: the row (logical column → value) and its columns; returns null for a good row,
   * {@link #IGNORED}, or why the row is bad.
   */
  private interface RowHandler {
    String handle(Function<String, String> row, Columns columns);
  }

  /** A row handler's verdict for a row deliberately skipped ({@code --types x=ignore}). */
  private static final String IGNORED = "\u0000ignored";

  /** A row reader's verdict: null when the row was good, else why not. */
  private static String interaction(
      Function<String, String> row, Columns cols, FileSource s, LogBuilder log, RowReport counts) {
    String user = row.apply("user");
    String item = row.apply("item");
    String time = row.apply("time");
    for (String c : List.of("user", "item", "time")) {
      String v = row.apply(c);
      if (v == null || v.isBlank()) {
        return "empty " + c + " in " + cols.describe(c);
      }
    }
    String rawType = row.apply("type");
    String t = rawType == null ? "" : rawType.trim();
    EventType type;
    double weight = 1.0;
    if (t.isEmpty()) {
      type = EventType.VIEW;
    } else if (s.ignoredTypes().contains(t)) {
      counts.typed(t, FileSource.IGNORE);
      return IGNORED;
    } else if (s.weights().containsKey(t)) {
      weight = s.weights().get(t);
      type = FileSource.nearestType(weight);
    } else if (s.types().containsKey(t)) {
      type = s.types().get(t);
    } else {
      try {
        type = EventType.fromWire(rawType);
      } catch (IllegalArgumentException e) {
        return "unknown event type '"
            + rawType
            + "' in "
            + cols.describe("type")
            + " (fix: map it with --types "
            + t
            + "=view|click|add_to_cart|purchase, to a reward weight in [0, 1] with "
            + t
            + "=<weight> (e.g. "
            + t
            + "=0.5; 0 = context only, never a target), or "
            + t
            + "=ignore to skip such rows)";
      }
    }
    long ms;
    try {
      ms = parseTimeMs(time);
    } catch (IllegalArgumentException e) {
      return e.getMessage() + " in " + cols.describe("time");
    }
    log.add(new Interaction(user.trim(), item.trim(), type, ms, weight));
    if (!t.isEmpty()) {
      counts.typed(t, s.weights().containsKey(t) ? "weight " + weight : type.wireName());
    }
    String category = row.apply("category");
    if (category != null && !category.isBlank() && !log.isDescribed(item.trim())) {
      // The --items file (read first) wins; otherwise the first category seen for the item.
      log.describe(new Item(item.trim(), "", category.trim()));
    }
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
    log.list(new Item(id.trim(), ItemText.clean(text), orEmpty(row.apply("category"))));
    return null;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s.trim();
  }

  private static void readRows(
      String option,
      Path file,
      FileSource.Format format,
      boolean noHeader,
      RowReport report,
      Map<String, String> mapping,
      List<String> required,
      RowHandler handle) {
    if (!Files.isRegularFile(file)) {
      // Named by the option the user gave it with, so that a missing --items is not reported as
      // a missing dataset.
      throw DatasetMissingException.optionFile(
          option.equals("--columns") ? "--dataset" : option, file);
    }
    try (BufferedReader in = TextLines.open(file)) {
      Columns columns = format == FileSource.Format.NDJSON ? Columns.json(mapping) : null;
      long lineNo = 0;
      String line;
      while ((line = TextLines.readLine(in, file, lineNo)) != null) {
        lineNo++;
        if (lineNo == 1 && line.startsWith("\uFEFF")) {
          // A UTF-8 byte order mark (spreadsheet exports): not part of the first header name.
          line = line.substring(1);
        }
        if (line.isBlank()) {
          continue;
        }
        if (columns == null) {
          List<String> first = TextLines.split(line, format);
          if (first == null) {
            throw new IllegalArgumentException(
                file + " line " + lineNo + ": unterminated quote in the first line");
          }
          if (!noHeader) {
            columns = Columns.header(file, first, mapping, required, option);
            continue;
          }
          columns = Columns.positional(file, first.size(), mapping);
        }
        String reason;
        try {
          Function<String, String> row =
              format == FileSource.Format.NDJSON
                  ? json(line, columns)
                  : columns.row(fields(line, format));
          reason = handle.handle(row, columns);
        } catch (IllegalArgumentException e) {
          reason = e.getMessage();
        }
        if (reason == null) {
          report.good();
        } else if (reason.equals(IGNORED)) {
          report.ignored();
        } else {
          report.bad(lineNo, reason);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
    }
  }

  private static List<String> fields(String line, FileSource.Format format) {
    List<String> f = TextLines.split(line, format);
    if (f == null) {
      throw new IllegalArgumentException("unterminated quote (fix: close it, or double \"\")");
    }
    return f;
  }

  private static Function<String, String> json(String line, Columns columns) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage().split("\n")[0]);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    return logical -> {
      String name = columns.key(logical);
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
}
