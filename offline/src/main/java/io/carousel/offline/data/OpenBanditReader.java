package io.carousel.offline.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Reads the Open Bandit Dataset sample (ZOZOTOWN; Saito et al. 2021, "Open Bandit Dataset and
 * Pipeline", §3): {@code open_bandit_dataset/{random,bts}/{men,women}/{campaign}.csv} with one row
 * per (impression, position), and the campaign's {@code item_context.csv}. Column 0 (the pandas
 * index) is skipped; no field holds a quote or a comma, so a plain split is exact.
 */
public final class OpenBanditReader {
  /** Folder of the dataset under the data root. */
  public static final String FOLDER = "open_bandit_dataset";

  /** Logging policies in the sample: uniform random and Bernoulli Thompson sampling. */
  public static final Set<String> BEHAVIOR_POLICIES = Set.of("random", "bts");

  /** Campaigns with logs in the sample ({@code all} has only item_context.csv). */
  public static final Set<String> CAMPAIGNS = Set.of("men", "women");

  static final String ORIGIN =
      "Open Bandit Dataset sample from https://github.com/st-tech/zr-obp obd/ (Apache-2.0; cite"
          + " Saito et al. 2021, arXiv:2008.07146); set CAROUSEL_DATA_DIR";

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSXXX");
  private static final int FIRST_AFFINITY = 10;

  private OpenBanditReader() {}

  /**
   * One logged (impression, position) row.
   *
   * @param timestamp impression time (UTC instant)
   * @param itemId the item shown, in [0, nItems)
   * @param position the slot as logged, 1 (left), 2 (centre) or 3 (right)
   * @param click reward, 0 or 1
   * @param propensity the logging policy's probability of this item in this slot, in (0, 1]
   * @param userFeatures the four hashed categorical user features ({@code String[4]})
   * @param affinity user–item affinity from past clicks, {@code float[nItems]}
   */
  public record Round(
      Instant timestamp,
      int itemId,
      int position,
      int click,
      double propensity,
      String[] userFeatures,
      float[] affinity) {}

  /**
   * One row of {@code item_context.csv}.
   *
   * @param itemId item index
   * @param feature0 the numeric item feature (standardised in the source)
   * @param categorical the hashed categorical features item_feature_1..3 ({@code String[3]})
   */
  public record ItemContext(int itemId, double feature0, String[] categorical) {}

  /**
   * A whole log file, rows sorted by time (stable: file order on ties).
   *
   * @param behaviorPolicy {@code random} or {@code bts}
   * @param campaign {@code men} or {@code women}
   * @param rounds the rows
   * @param items item contexts indexed by item id ({@code items.get(i).itemId() == i})
   */
  public record Log(
      String behaviorPolicy, String campaign, List<Round> rounds, List<ItemContext> items) {

    /** Returns the number of items (arms) of the campaign. */
    public int nItems() {
      return items.size();
    }

    /** Returns the number of clicks. */
    public long clicks() {
      return rounds.stream().filter(r -> r.click() == 1).count();
    }
  }

  /**
   * Reads {@code behaviorPolicy}/{@code campaign} under {@code dataRoot}.
   *
   * @throws IllegalArgumentException for a policy or campaign outside {@link #BEHAVIOR_POLICIES}
   *     and {@link #CAMPAIGNS}
   * @throws DatasetMissingException when a csv is absent
   * @throws UncheckedIOException if a file cannot be read
   * @throws BadRowsException (an IllegalArgumentException: the command line exits 2 with one line)
   *     on a malformed file or row: wrong column count, a number that does not parse, an item or
   *     position out of range (e.g. a copy with 0-based positions)
   */
  public static Log read(Path dataRoot, String behaviorPolicy, String campaign) {
    if (!BEHAVIOR_POLICIES.contains(behaviorPolicy) || !CAMPAIGNS.contains(campaign)) {
      throw new IllegalArgumentException(
          "unknown OBD log "
              + behaviorPolicy
              + "/"
              + campaign
              + "; expected random|bts, men|women");
    }
    Path dir = dataRoot.resolve(FOLDER).resolve(behaviorPolicy).resolve(campaign);
    List<ItemContext> items = readItems(dir.resolve("item_context.csv"));
    List<Round> rounds = readRounds(dir.resolve(campaign + ".csv"), items.size());
    rounds.sort(Comparator.comparing(Round::timestamp));
    return new Log(behaviorPolicy, campaign, List.copyOf(rounds), items);
  }

  private static List<ItemContext> readItems(Path csv) {
    List<ItemContext> items = new ArrayList<>();
    for (Row row : rows(csv, 6)) {
      String[] f = row.fields();
      try {
        int id = Integer.parseInt(f[1]);
        if (id != items.size()) {
          throw bad(csv, row.line(), "item ids must be 0..n-1 in order, got " + id);
        }
        items.add(new ItemContext(id, Double.parseDouble(f[2]), new String[] {f[3], f[4], f[5]}));
      } catch (NumberFormatException e) {
        throw bad(csv, row.line(), "not a number: " + e.getMessage());
      }
    }
    return List.copyOf(items);
  }

  private static List<Round> readRounds(Path csv, int nItems) {
    List<Round> rounds = new ArrayList<>();
    for (Row row : rows(csv, FIRST_AFFINITY + nItems)) {
      try {
        rounds.add(round(csv, row, nItems));
      } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
        throw bad(csv, row.line(), "not a number or time: " + e.getMessage());
      }
    }
    return rounds;
  }

  private static Round round(Path csv, Row row, int nItems) {
    String[] f = row.fields();
    int item = Integer.parseInt(f[2]);
    int position = Integer.parseInt(f[3]);
    if (item < 0 || item >= nItems) {
      throw bad(csv, row.line(), "item_id " + item + " is outside 0.." + (nItems - 1));
    }
    if (position < 1 || position > 3) {
      throw bad(
          csv,
          row.line(),
          "position "
              + position
              + " is outside 1..3 (the Open Bandit Dataset numbers slots 1, 2, 3; a copy with"
              + " 0-based positions must be shifted by one or fetched again)");
    }
    {
      float[] affinity = new float[nItems];
      for (int i = 0; i < nItems; i++) {
        affinity[i] = Float.parseFloat(f[FIRST_AFFINITY + i]);
      }
      return new Round(
          OffsetDateTime.parse(f[1], TIME).toInstant(),
          item,
          position,
          Integer.parseInt(f[4]),
          Double.parseDouble(f[5]),
          new String[] {f[6], f[7], f[8], f[9]},
          affinity);
    }
  }

  /** A data row and its 1-based line number in the file. */
  private record Row(long line, String[] fields) {}

  private static BadRowsException bad(Path csv, long line, String what) {
    return new BadRowsException(csv, line, csv + " line " + line + ": " + what);
  }

  // Data rows split on ',' (header skipped), each checked to have exactly `columns` fields.
  private static List<Row> rows(Path csv, int columns) {
    if (!Files.isRegularFile(csv)) {
      throw new DatasetMissingException(csv, ORIGIN);
    }
    List<Row> out = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      if (header == null || header.split(",", -1).length != columns) {
        throw bad(csv, 1, "expected a header of " + columns + " columns");
      }
      String line;
      long n = 1;
      while ((line = in.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(",", -1);
        if (f.length != columns) {
          throw bad(csv, n, "expected " + columns + " columns, got " + f.length);
        }
        out.add(new Row(n, f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + csv, e);
    }
    return out;
  }
}
