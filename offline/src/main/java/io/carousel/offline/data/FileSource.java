package io.carousel.offline.data;

import io.carousel.policy.EventType;
import io.carousel.policy.RewardWeights;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
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
 * @param columns logical column (user, item, type, time, category) → the file's column: a header
 *     name, a 1-based position ({@code user=1}; always with {@code noHeader}, else when no header
 *     column has that name) or a JSON key
 * @param types the file's event-type value → {@link EventType}; values not listed are read as wire
 *     names ({@link EventType#fromWire})
 * @param items optional item file (id, title, description, category columns), or null
 * @param maxBadRows largest tolerated share of bad rows in [0, 1]; above it reading fails
 * @param noHeader the CSV/TSV log has no header row: its first line is data and every mapped column
 *     is a 1-based position
 * @param ignoredTypes the file's event-type values whose rows are skipped and counted as ignored
 *     ({@code --types remove=ignore}), not bad
 * @param weights the file's event-type values mapped to a reward weight in [0, 1] ({@code --types
 *     fav=0.6}): such a row is an {@link Interaction} of that weight (a target with that
 *     probability, 0 = context only), sent to the live API as {@link #nearestType} of it
 */
public record FileSource(
    Path path,
    Format format,
    Map<String, String> columns,
    Map<String, EventType> types,
    Path items,
    double maxBadRows,
    boolean noHeader,
    Set<String> ignoredTypes,
    Map<String, Double> weights) {
  /** The prefix that marks a file dataset name. */
  public static final String PREFIX = "file:";

  /** Default {@link #maxBadRows}: 1 % of the rows. */
  public static final double DEFAULT_MAX_BAD_ROWS = 0.01;

  /**
   * The logical columns; user, item and time are required, type is optional (default view),
   * category optional (the item's category, when the {@code --items} file does not give one).
   */
  public static final Set<String> LOGICAL = Set.of("user", "item", "type", "time", "category");

  /** The {@code --types} target that skips a type's rows ({@code --types remove=ignore}). */
  public static final String IGNORE = "ignore";

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

  /** A source with a header row and no ignored types. */
  public FileSource(
      Path path,
      Format format,
      Map<String, String> columns,
      Map<String, EventType> types,
      Path items,
      double maxBadRows) {
    this(path, format, columns, types, items, maxBadRows, false, Set.of(), Map.of());
  }

  /** A source without types mapped to a weight. */
  public FileSource(
      Path path,
      Format format,
      Map<String, String> columns,
      Map<String, EventType> types,
      Path items,
      double maxBadRows,
      boolean noHeader,
      Set<String> ignoredTypes) {
    this(path, format, columns, types, items, maxBadRows, noHeader, ignoredTypes, Map.of());
  }

  /**
   * @throws IllegalArgumentException if a column key is unknown, {@code noHeader} lacks a position
   *     for a column or comes with NDJSON, or the share is out of range
   */
  public FileSource {
    for (String key : columns.keySet()) {
      if (!LOGICAL.contains(key)) {
        throw new IllegalArgumentException(
            "--columns: unknown column '" + key + "'; known: user, item, type, time, category");
      }
    }
    if (noHeader) {
      if (format == Format.NDJSON) {
        throw new IllegalArgumentException(
            "--no-header is for csv/tsv files; NDJSON lines name their keys (--columns user=key)");
      }
      for (String key : List.of("user", "item", "time")) {
        if (!columns.containsKey(key)) {
          throw new IllegalArgumentException(
              "--no-header needs the position of every required column, e.g. --columns"
                  + " user=1,item=2,time=3 (1-based; also type=N, category=N); missing: "
                  + key);
        }
      }
      for (Map.Entry<String, String> e : columns.entrySet()) {
        if (position(e.getValue()) < 1) {
          throw new IllegalArgumentException(
              "--no-header: --columns "
                  + e.getKey()
                  + "="
                  + e.getValue()
                  + " must be a 1-based column position, e.g. "
                  + e.getKey()
                  + "=2");
        }
      }
    }
    if (!(maxBadRows >= 0 && maxBadRows <= 1)) {
      throw new IllegalArgumentException("--max-bad-rows must be in [0, 1]: " + maxBadRows);
    }
    for (String t : ignoredTypes) {
      if (types.containsKey(t)) {
        throw new IllegalArgumentException("--types maps '" + t + "' twice");
      }
    }
    for (Map.Entry<String, Double> w : weights.entrySet()) {
      if (types.containsKey(w.getKey()) || ignoredTypes.contains(w.getKey())) {
        throw new IllegalArgumentException("--types maps '" + w.getKey() + "' twice");
      }
      checkWeight(w.getKey(), String.valueOf(w.getValue()), w.getValue());
    }
    columns = Map.copyOf(columns);
    types = Map.copyOf(types);
    ignoredTypes = Set.copyOf(ignoredTypes);
    weights = Map.copyOf(weights);
  }

  /**
   * Returns {@code spec} as a 1-based column position, or -1 when it is not all digits (or is 0 or
   * too large).
   */
  static int position(String spec) {
    if (spec == null
        || spec.isEmpty()
        || spec.length() > 6
        || !spec.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    int p = Integer.parseInt(spec);
    return p >= 1 ? p : -1;
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
    Set<String> ignored = Set.of();
    Map<String, Double> weights = Map.of();
    Path items = null;
    double maxBad = DEFAULT_MAX_BAD_ROWS;
    boolean noHeader = false;
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
        case "types" -> {
          types = types(value);
          ignored = ignoredTypes(value);
          weights = weights(value);
        }
        case "no-header" -> noHeader = Boolean.parseBoolean(value);
        case "items" -> items = value.isEmpty() ? null : Path.of(value);
        case "max-bad-rows" -> maxBad = parseShare(value);
        default -> throw new IllegalArgumentException("unknown dataset option '" + key + "'");
      }
    }
    return new FileSource(path, format, columns, types, items, maxBad, noHeader, ignored, weights);
  }

  /**
   * Returns the {@code file:} name for a path and the command-line options, each may be null.
   *
   * @throws IllegalArgumentException if an option is malformed (checked by parsing the result)
   */
  public static String name(
      String path, String format, String columns, String types, String items, Double maxBadRows) {
    return name(path, format, columns, types, items, maxBadRows, false);
  }

  /**
   * As {@link #name(String, String, String, String, String, Double)}, with {@code --no-header}.
   *
   * @throws IllegalArgumentException if an option is malformed (checked by parsing the result)
   */
  public static String name(
      String path,
      String format,
      String columns,
      String types,
      String items,
      Double maxBadRows,
      boolean noHeader) {
    StringBuilder s = new StringBuilder(path.startsWith(PREFIX) ? path : PREFIX + path);
    append(s, "no-header", noHeader ? "true" : null);
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
      if (e.getValue().equalsIgnoreCase(IGNORE) || looksNumeric(e.getValue())) {
        continue;
      }
      try {
        out.put(e.getKey(), EventType.fromWire(e.getValue()));
      } catch (IllegalArgumentException bad) {
        throw new IllegalArgumentException(
            "--types "
                + e.getKey()
                + "="
                + e.getValue()
                + ": the target must be view, click, add_to_cart, purchase, ignore or a reward"
                + " weight in [0, 1] (the reward of each built-in type is"
                + " carousel.user-profile.rewards; 0 = context only), e.g. --types "
                + e.getKey()
                + "=click or --types "
                + e.getKey()
                + "=0.5",
            bad);
      }
    }
    return out;
  }

  /** The {@code --types} pairs whose target is a number, checked to lie in [0, 1]. */
  private static Map<String, Double> weights(String value) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : pairs("--types", value).entrySet()) {
      if (!looksNumeric(e.getValue())) {
        continue;
      }
      double w;
      try {
        w = Double.parseDouble(e.getValue());
      } catch (NumberFormatException bad) {
        w = Double.NaN;
      }
      checkWeight(e.getKey(), e.getValue(), w);
      out.put(e.getKey(), w);
    }
    return out;
  }

  /** Digits, sign, point or exponent only: meant as a weight, so checked as one. */
  private static boolean looksNumeric(String v) {
    return !v.isEmpty()
        && v.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+')
        && v.chars().anyMatch(c -> c >= '0' && c <= '9');
  }

  private static void checkWeight(String type, String given, double w) {
    if (!(w >= 0 && w <= 1)) {
      throw new IllegalArgumentException(
          "--types "
              + type
              + "="
              + given
              + ": a reward weight must be a number in [0, 1] (1 = a target like a click, 0 ="
              + " context only: kept in the shopper's history, never a target), e.g. --types "
              + type
              + "=0.5, or "
              + type
              + "=ignore to skip such rows");
    }
  }

  /**
   * Returns the built-in type whose default serving reward ({@link RewardWeights#defaults()}, the
   * values of {@code carousel.user-profile.rewards}) is nearest {@code weight}, ties to the earlier
   * type (view before click): what a replay to the live API, which accepts only the four types,
   * sends for a type mapped to a weight.
   */
  public static EventType nearestType(double weight) {
    RewardWeights rewards = RewardWeights.defaults();
    EventType best = EventType.VIEW;
    for (EventType t : EventType.values()) {
      if (Math.abs(rewards.of(t) - weight) < Math.abs(rewards.of(best) - weight)) {
        best = t;
      }
    }
    return best;
  }

  private static Set<String> ignoredTypes(String value) {
    Set<String> out = new java.util.LinkedHashSet<>();
    for (Map.Entry<String, String> e : pairs("--types", value).entrySet()) {
      if (e.getValue().equalsIgnoreCase(IGNORE)) {
        out.add(e.getKey());
      }
    }
    return out;
  }
}
