package io.carousel.engine.data;

import io.carousel.policy.EventType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A shop's own interaction log named on the command line as {@code file:<path>}, with its options
 * encoded after the path as {@code ;key=value} pairs so that the whole source travels as one
 * dataset name: {@code file:shop.csv.gz;format=csv;columns=user=uid,item=sku,time=ts;types=pv=view;
 * items=items.csv;max-bad-rows=0.01}. Paths containing {@code ;} are not supported.
 *
 * @param path the interaction log (plain or gzip, detected by magic bytes)
 * @param format csv, tsv or ndjson
 * @param columns logical column (user, item, type, time) → the file's column or JSON key
 * @param types the file's event-type value → {@link EventType}; values not listed are read as wire
 *     names ({@link EventType#fromWire})
 * @param items optional item file (id, title, description, category columns), or null
 * @param maxBadRows largest tolerated share of bad rows in [0, 1]; above it reading fails
 */
public record FileSource(
    Path path,
    Format format,
    Map<String, String> columns,
    Map<String, EventType> types,
    Path items,
    double maxBadRows) {
  /** The prefix that marks a file dataset name. */
  public static final String PREFIX = "file:";

  /** Default {@link #maxBadRows}: 1 % of the rows. */
  public static final double DEFAULT_MAX_BAD_ROWS = 0.01;

  /** The logical columns; user, item and time are required, type is optional (default view). */
  public static final Set<String> LOGICAL = Set.of("user", "item", "type", "time");

  /** Supported file formats. */
  public enum Format {
    CSV,
    TSV,
    NDJSON;

    /**
     * Parses {@code csv}, {@code tsv} or {@code ndjson} (also {@code jsonl}), case-insensitive.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static Format parse(String s) {
      return switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "csv" -> CSV;
        case "tsv" -> TSV;
        case "ndjson", "jsonl" -> NDJSON;
        default -> throw new IllegalArgumentException("--format must be csv, tsv or ndjson: " + s);
      };
    }

    /**
     * Guesses the format from a file name ({@code .tsv}, {@code .ndjson}/{@code .jsonl}, else csv;
     * {@code .gz} ignored).
     */
    public static Format fromName(String name) {
      String n = name.toLowerCase(Locale.ROOT).replaceAll("\\.gz$", "");
      if (n.endsWith(".tsv")) {
        return TSV;
      }
      if (n.endsWith(".ndjson") || n.endsWith(".jsonl") || n.endsWith(".json")) {
        return NDJSON;
      }
      return CSV;
    }
  }

  /**
   * @throws IllegalArgumentException if a column key is unknown or the share is out of range
   */
  public FileSource {
    for (String key : columns.keySet()) {
      if (!LOGICAL.contains(key)) {
        throw new IllegalArgumentException(
            "--columns: unknown column '" + key + "'; known: user, item, type, time");
      }
    }
    if (!(maxBadRows >= 0 && maxBadRows <= 1)) {
      throw new IllegalArgumentException("--max-bad-rows must be in [0, 1]: " + maxBadRows);
    }
    columns = Map.copyOf(columns);
    types = Map.copyOf(types);
  }

  /** Returns true when {@code datasetName} names a file source. */
  public static boolean isFile(String datasetName) {
    return datasetName != null && datasetName.startsWith(PREFIX);
  }

  /** Returns the file's column for logical column {@code logical}, by default its own name. */
  public String column(String logical) {
    return columns.getOrDefault(logical, logical);
  }

  /**
   * Parses a {@code file:} dataset name (see the class comment).
   *
   * @throws IllegalArgumentException naming the bad part if the name is malformed
   */
  public static FileSource parse(String name) {
    if (!isFile(name)) {
      throw new IllegalArgumentException("not a file: dataset: " + name);
    }
    String[] parts = name.substring(PREFIX.length()).split(";");
    if (parts[0].isBlank()) {
      throw new IllegalArgumentException("--dataset file: needs a path, e.g. file:shop.csv");
    }
    Path path = Path.of(parts[0]);
    Format format = Format.fromName(parts[0]);
    Map<String, String> columns = Map.of();
    Map<String, EventType> types = Map.of();
    Path items = null;
    double maxBad = DEFAULT_MAX_BAD_ROWS;
    for (int i = 1; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("dataset option must be key=value: " + parts[i]);
      }
      String key = parts[i].substring(0, eq).trim();
      String value = parts[i].substring(eq + 1).trim();
      switch (key) {
        case "format" -> format = Format.parse(value);
        case "columns" -> columns = pairs("--columns", value);
        case "types" -> types = types(value);
        case "items" -> items = value.isEmpty() ? null : Path.of(value);
        case "max-bad-rows" -> maxBad = parseShare(value);
        default -> throw new IllegalArgumentException("unknown dataset option '" + key + "'");
      }
    }
    return new FileSource(path, format, columns, types, items, maxBad);
  }

  /**
   * Returns the {@code file:} name for a path and the command-line options, each may be null.
   *
   * @throws IllegalArgumentException if an option is malformed (checked by parsing the result)
   */
  public static String name(
      String path, String format, String columns, String types, String items, Double maxBadRows) {
    StringBuilder s = new StringBuilder(path.startsWith(PREFIX) ? path : PREFIX + path);
    append(s, "format", format);
    append(s, "columns", columns);
    append(s, "types", types);
    append(s, "items", items);
    append(s, "max-bad-rows", maxBadRows == null ? null : maxBadRows.toString());
    parse(s.toString());
    return s.toString();
  }

  private static void append(StringBuilder s, String key, String value) {
    if (value != null) {
      s.append(';').append(key).append('=').append(value);
    }
  }

  private static double parseShare(String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--max-bad-rows must be a number in [0, 1]: " + value, e);
    }
  }

  private static Map<String, String> pairs(String option, String value) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : value.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0 || eq == pair.length() - 1) {
        throw new IllegalArgumentException(option + " expects key=value pairs, got '" + pair + "'");
      }
      out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
    return out;
  }

  private static Map<String, EventType> types(String value) {
    Map<String, EventType> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : pairs("--types", value).entrySet()) {
      out.put(e.getKey(), EventType.fromWire(e.getValue()));
    }
    return out;
  }
}
