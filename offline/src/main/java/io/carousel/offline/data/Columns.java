package io.carousel.offline.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Where each logical column (user, item, time, ...) of one input file is read from: a CSV/TSV field
 * found by header name or by 1-based position, or an NDJSON key. Names the column in every error
 * ({@link #describe}) so that an import error says file, line, column and the fix.
 */
final class Columns {
  private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");

  private final Map<String, Integer> index;
  private final Map<String, String> names;
  private final int width;

  private Columns(Map<String, Integer> index, Map<String, String> names, int width) {
    this.index = index;
    this.names = names;
    this.width = width;
  }

  /** NDJSON: logical column → key ({@code mapping}, the logical name by default). */
  static Columns json(Map<String, String> mapping) {
    return new Columns(Map.of(), Map.copyOf(mapping), -1);
  }

  /**
   * Resolves {@code mapping} (logical column → header name or 1-based position) against the header
   * {@code header} (line 1 of {@code file}).
   *
   * @param required logical columns that must resolve; the others are read when present
   * @param option the option that maps this file's columns, for the fix in an error
   * @throws IllegalArgumentException naming the file, line 1, the missing column and the fix; when
   *     the header looks like data (a numeric or date value), says so and suggests {@code
   *     --no-header}
   */
  static Columns header(
      Path file,
      List<String> header,
      Map<String, String> mapping,
      List<String> required,
      String option) {
    Map<String, Integer> byName = new HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      byName.putIfAbsent(header.get(i).trim(), i);
    }
    Map<String, Integer> index = new LinkedHashMap<>();
    Map<String, String> names = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : mapping.entrySet()) {
      String spec = e.getValue();
      Integer i = byName.get(spec);
      if (i == null) {
        int p = FileSource.position(spec);
        i = p >= 1 && p <= header.size() ? p - 1 : null;
      }
      if (i != null) {
        index.put(e.getKey(), i);
        names.put(e.getKey(), "column '" + header.get(i).trim() + "' (" + (i + 1) + ")");
      } else if (required.contains(e.getKey())) {
        throw new IllegalArgumentException(missing(file, header, e.getKey(), spec, option));
      }
    }
    return new Columns(index, names, header.size());
  }

  private static String missing(
      Path file, List<String> header, String logical, String spec, String option) {
    List<String> dataLike = new ArrayList<>();
    for (String h : header) {
      if (looksLikeData(h)) {
        dataLike.add(h.trim());
      }
    }
    String start = file + " line 1: the header " + header + " has no column '" + spec + "'";
    if (!dataLike.isEmpty() && option.equals("--columns")) {
      return start
          + "; line 1 looks like data, not a header (values like '"
          + dataLike.get(0)
          + "'): if the file has no header, add --no-header and give each column's 1-based"
          + " position, e.g. --no-header --columns user=1,item=2,time=3";
    }
    if (option.equals("--items")) {
      return start
          + " (fix: the --items file needs a header with id and optionally title, description,"
          + " category)";
    }
    return start
        + " (fix: map it with "
        + option
        + " "
        + logical
        + "=<header name or 1-based position>)";
  }

  /** Returns true for a value that is a number or an ISO date: data, not a column name. */
  static boolean looksLikeData(String value) {
    String v = value.trim();
    if (NUMBER.matcher(v).matches()) {
      return true;
    }
    if (v.length() < 10 || !Character.isDigit(v.charAt(0))) {
      return false;
    }
    try {
      FileLogReader.parseTimeMs(v);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * A header-less file: every {@code mapping} value is a 1-based position, checked against the
   * first line's {@code width} fields.
   *
   * @throws IllegalArgumentException naming the file, line 1 and the column past the line's end
   */
  static Columns positional(Path file, int width, Map<String, String> mapping) {
    Map<String, Integer> index = new LinkedHashMap<>();
    Map<String, String> names = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : mapping.entrySet()) {
      int p = FileSource.position(e.getValue());
      if (p < 1 || p > width) {
        throw new IllegalArgumentException(
            file
                + " line 1: --columns "
                + e.getKey()
                + "="
                + e.getValue()
                + " but the line has "
                + width
                + " fields (fix: a position from 1 to "
                + width
                + ")");
      }
      index.put(e.getKey(), p - 1);
      names.put(e.getKey(), "column " + p);
    }
    return new Columns(index, names, width);
  }

  /** Returns e.g. {@code column 'ts' (4)}, {@code column 4} or {@code key 'ts'}. */
  String describe(String logical) {
    String n = names.get(logical);
    if (width < 0) {
      return "key '" + (n == null ? logical : n) + "'";
    }
    return n == null ? logical : n;
  }

  /** Returns true when {@code logical} is read from this file. */
  boolean has(String logical) {
    return width < 0 ? names.containsKey(logical) : index.containsKey(logical);
  }

  /**
   * Returns the row of CSV/TSV {@code fields}: logical column → value (null when not read).
   *
   * @throws IllegalArgumentException when the field count differs from the header's
   */
  Function<String, String> row(List<String> fields) {
    if (fields.size() != width) {
      throw new IllegalArgumentException(
          "expected "
              + width
              + " fields, found "
              + fields.size()
              + " (a value with the separator in it must be quoted)");
    }
    return logical -> {
      Integer i = index.get(logical);
      return i == null ? null : fields.get(i);
    };
  }

  /** Returns the JSON key of {@code logical}. */
  String key(String logical) {
    return names.getOrDefault(logical, logical);
  }
}
