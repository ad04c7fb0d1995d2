package io.carousel.offline.data;

import io.carousel.engine.Item;
import io.carousel.policy.EventType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Reads the DIGINETICA (CIKM Cup 2016) item-view sample {@code sample_train-item-views.csv}
 * (semicolon-separated {@code session_id;user_id;item_id;timeframe;eventdate}). Each session is a
 * user; each row a {@link EventType#VIEW} at {@code eventdate} midnight UTC plus {@code timeframe}
 * ms. Items have no text (text "", category "").
 */
final class DigineticaReader {
  static final String ORIGIN =
      "DIGINETICA CIKM Cup 2016 (https://competitions.codalab.org/competitions/11161), sample from"
          + " https://github.com/CRIPAC-DIG/SR-GNN datasets/sample_train-item-views.csv — research"
          + " use only; set CAROUSEL_DATA_DIR";

  static final String FILE = "sample_train-item-views.csv";

  private DigineticaReader() {}

  /**
   * Adds every view of {@code dir} to {@code log}.
   *
   * @throws DatasetMissingException when the csv is absent
   * @throws UncheckedIOException if it cannot be read
   * @throws IllegalStateException if a row does not have five columns
   */
  static void read(Path dir, LogBuilder log) {
    Path csv = dir.resolve(FILE);
    if (!Files.isRegularFile(csv)) {
      throw new DatasetMissingException(csv, ORIGIN);
    }
    try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      String line = in.readLine(); // header
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(";", -1);
        if (f.length < 5) {
          throw new IllegalStateException(csv + ": expected 5 columns: " + line);
        }
        long dayMs =
            LocalDate.parse(f[4].trim()).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        String itemId = f[2].trim();
        log.add(
            new Interaction(
                f[0].trim(), itemId, EventType.VIEW, dayMs + Long.parseLong(f[3].trim())));
        log.describe(new Item(itemId, "", ""));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + csv, e);
    }
  }
}
