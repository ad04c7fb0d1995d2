package io.carousel.offline.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Counts the rows of one file and keeps the first {@value #SHOWN} bad ones with their 1-based line
 * numbers, so that no row is dropped unreported.
 */
public final class RowReport {
  /** Bad rows quoted in {@link #summary()} and in the exception. */
  public static final int SHOWN = 5;

  /**
   * One rejected row.
   *
   * @param line 1-based physical line number in the (decompressed) file
   * @param reason why it was rejected
   */
  public record BadRow(long line, String reason) {}

  private final Path file;
  private long rows;
  private long bad;
  private long ignored;
  private final List<BadRow> first = new ArrayList<>();
  // The file's type value → its rows read (good or ignored) and what it was read as.
  private final Map<String, Long> byType = new LinkedHashMap<>();
  private final Map<String, String> readAs = new LinkedHashMap<>();

  /** Starts an empty report for {@code file}. */
  public RowReport(Path file) {
    this.file = file;
  }

  void good() {
    rows++;
  }

  /** Counts a row skipped on purpose ({@code --types x=ignore}): neither good nor bad. */
  void ignored() {
    rows++;
    ignored++;
  }

  /**
   * Counts a row (good or ignored) with the file's event type {@code value}, read as {@code as} (a
   * built-in type, {@code weight w} or {@code ignore}).
   */
  void typed(String value, String as) {
    byType.merge(value, 1L, Long::sum);
    readAs.putIfAbsent(value, as);
  }

  void bad(long line, String reason) {
    rows++;
    bad++;
    if (first.size() < SHOWN) {
      first.add(new BadRow(line, reason));
    }
  }

  /** Returns the file read. */
  public Path file() {
    return file;
  }

  /** Returns the data rows seen (header and blank lines excluded). */
  public long rows() {
    return rows;
  }

  /** Returns the rejected rows. */
  public long badRows() {
    return bad;
  }

  /** Returns the rows skipped on purpose ({@code --types x=ignore}). */
  public long ignoredRows() {
    return ignored;
  }

  /**
   * Returns the rows read (good or ignored) per value of the file's type column, in order of first
   * appearance; empty when the file has no type column.
   */
  public Map<String, Long> rowsByType() {
    return Map.copyOf(byType);
  }

  /** Returns e.g. {@code "pv→view 800, fav→weight 0.6 52, remove→ignore 10"}, "" without types. */
  public String typeSummary() {
    StringBuilder s = new StringBuilder();
    for (Map.Entry<String, Long> e : byType.entrySet()) {
      if (s.length() > 0) {
        s.append(", ");
      }
      String as = readAs.get(e.getKey());
      s.append(e.getKey());
      if (!as.equals(e.getKey())) {
        s.append('\u2192').append(as);
      }
      s.append(' ').append(e.getValue());
    }
    return s.toString();
  }

  /** Returns the first {@value #SHOWN} rejected rows, in file order. */
  public List<BadRow> firstBad() {
    return List.copyOf(first);
  }

  /**
   * Returns e.g. {@code "shop.csv: 40 rows, 2 bad (5.00 %); line 7: ...; line 9: ...; rows by type:
   * pv→view 38"}.
   */
  public String summary() {
    StringBuilder s =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%s: %d rows, %d bad (%.2f %%)%s",
                file,
                rows,
                bad,
                rows == 0 ? 0.0 : 100.0 * bad / rows,
                ignored == 0 ? "" : ", " + ignored + " ignored (--types ...=ignore)"));
    for (BadRow b : first) {
      s.append("; line ").append(b.line()).append(": ").append(b.reason());
    }
    if (bad > first.size()) {
      s.append("; ... ").append(bad - first.size()).append(" more");
    }
    if (!byType.isEmpty()) {
      s.append("; rows by type: ").append(typeSummary());
    }
    return s.toString();
  }

  /**
   * Fails when the bad share exceeds {@code maxShare} or no row is good.
   *
   * @throws BadRowsException naming the file, the share and the first bad lines
   */
  void check(double maxShare) {
    if (rows > 0 && bad + ignored < rows && (double) bad / rows <= maxShare) {
      return;
    }
    if (rows > 0 && bad == 0) {
      throw new BadRowsException(
          file,
          0,
          file
              + ": all "
              + rows
              + " rows have an ignored type (fix: map at least one type to view, click,"
              + " add_to_cart, purchase or a reward weight with --types, e.g. --types x=0.5)");
    }
    if (rows == 0) {
      throw new BadRowsException(
          file, 0, file + " has no data rows (the file is empty or holds only a header)");
    }
    long line = first.isEmpty() ? 0 : first.get(0).line();
    throw new BadRowsException(
        file,
        line,
        String.format(Locale.ROOT, "too many bad rows (limit --max-bad-rows %.4f) in ", maxShare)
            + summary()
            + " (fix: correct or map the rows named, or allow a larger share with --max-bad-rows)");
  }
}
