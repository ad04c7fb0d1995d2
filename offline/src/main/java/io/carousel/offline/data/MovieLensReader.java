package io.carousel.offline.data;

import io.carousel.engine.Item;
import io.carousel.policy.EventType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads MovieLens 100K: {@code u.data} (tab-separated {@code user item rating unixSeconds}, every
 * rating a {@link EventType#CLICK}), {@code u.item} and {@code u.genre} (pipe-separated,
 * ISO-8859-1). Item text is {@code title + " | " + genre names}; category is the first genre.
 */
final class MovieLensReader {
  static final String ORIGIN =
      "GroupLens https://grouplens.org/datasets/movielens/100k/ (ml-100k.zip: u.data, u.item,"
          + " u.genre) — research use, no redistribution; set CAROUSEL_DATA_DIR";

  private static final Pattern TAB = Pattern.compile("\t");
  private static final int GENRE_FLAGS_FROM = 5; // id|title|release|video release|IMDb URL|flags

  private MovieLensReader() {}

  /**
   * Adds every rating and movie of {@code dir} to {@code log}.
   *
   * @throws DatasetMissingException naming the first missing file
   * @throws UncheckedIOException if a file cannot be read
   * @throws IllegalStateException if a line does not have the documented columns
   */
  static void read(Path dir, LogBuilder log) {
    Path data = dir.resolve("u.data");
    Path item = dir.resolve("u.item");
    Path genre = dir.resolve("u.genre");
    for (Path p : List.of(data, item, genre)) {
      if (!Files.isRegularFile(p)) {
        throw new DatasetMissingException(p, ORIGIN);
      }
    }
    List<String> genres = new ArrayList<>();
    for (String line : lines(genre)) {
      String[] f = line.split("\\|", -1);
      if (f.length >= 2) {
        int id = Integer.parseInt(f[1].trim());
        while (genres.size() <= id) {
          genres.add("");
        }
        genres.set(id, f[0]);
      }
    }
    for (String line : lines(item)) {
      String[] f = line.split("\\|", -1);
      if (f.length < GENRE_FLAGS_FROM + genres.size()) {
        throw new IllegalStateException(
            item + ": expected " + genres.size() + " genre flags: " + line);
      }
      List<String> names = new ArrayList<>();
      for (int g = 0; g < genres.size(); g++) {
        if (f[GENRE_FLAGS_FROM + g].trim().equals("1")) {
          names.add(genres.get(g));
        }
      }
      String title = f[1].trim();
      String text = names.isEmpty() ? title : title + " | " + String.join(", ", names);
      log.describe(new Item(f[0].trim(), text, names.isEmpty() ? "" : names.get(0)));
    }
    for (String line : lines(data)) {
      String[] f = TAB.split(line.trim());
      if (f.length < 4) {
        throw new IllegalStateException(data + ": expected 4 tab-separated columns: " + line);
      }
      log.add(new Interaction(f[0], f[1], EventType.CLICK, Long.parseLong(f[3]) * 1000L));
    }
  }

  private static List<String> lines(Path p) {
    List<String> out = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(p, StandardCharsets.ISO_8859_1)) {
      String line;
      while ((line = in.readLine()) != null) {
        if (!line.isBlank()) {
          out.add(line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
    return out;
  }
}
