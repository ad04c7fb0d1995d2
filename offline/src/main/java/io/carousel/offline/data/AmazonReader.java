package io.carousel.offline.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carousel.engine.Item;
import io.carousel.policy.EventType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Reads Amazon Review Data (2018) 5-core reviews ({@code <Cat>_5.json.gz}) and item metadata
 * ({@code meta_<Cat>.json.gz}), gzip JSON Lines joined on {@code asin}. Every review becomes a
 * {@link EventType#PURCHASE} at {@code unixReviewTime * 1000} ms.
 */
final class AmazonReader {
  static final String ORIGIN =
      "Amazon Review Data (2018), Ni, Li, McAuley EMNLP 2019,"
          + " https://cseweb.ucsd.edu/~jmcauley/datasets/amazon_v2/"
          + " (categoryFilesSmall/<Cat>_5.json.gz and metaFiles2/meta_<Cat>.json.gz) — research use"
          + " only; set CAROUSEL_DATA_DIR";

  /** How an item's text is built from its meta line. */
  enum TextStyle {
    /**
     * The clean product title (Gift Cards), falling back to {@link #BRAND_CATEGORY_DESCRIPTION}.
     */
    TITLE,
    /**
     * Brand, clean title if any, categories below the root, description (Magazine: broken titles).
     */
    BRAND_CATEGORY_DESCRIPTION
  }

  /** One category of the dump: its folder under {@code amazon2018-small/} and its text style. */
  enum Category {
    GIFT_CARDS("Gift_Cards", TextStyle.TITLE),
    MAGAZINE_SUBSCRIPTIONS("Magazine_Subscriptions", TextStyle.BRAND_CATEGORY_DESCRIPTION);

    final String folder;
    final TextStyle style;

    Category(String folder, TextStyle style) {
      this.folder = folder;
      this.style = style;
    }

    Path reviews(Path amazonRoot) {
      return amazonRoot.resolve(folder).resolve(folder + "_5.json.gz");
    }

    Path meta(Path amazonRoot) {
      return amazonRoot.resolve(folder).resolve("meta_" + folder + ".json.gz");
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private AmazonReader() {}

  /**
   * Adds the reviews and item texts of {@code category} to {@code log}.
   *
   * @throws DatasetMissingException naming the first missing file
   * @throws UncheckedIOException if a file cannot be read or a line is not JSON
   */
  static void read(Path amazonRoot, Category category, LogBuilder log) {
    Path reviews = category.reviews(amazonRoot);
    Path meta = category.meta(amazonRoot);
    for (Path p : List.of(reviews, meta)) {
      if (!Files.isRegularFile(p)) {
        throw new DatasetMissingException(p, ORIGIN);
      }
    }
    forEachLine(
        reviews,
        r ->
            log.add(
                new Interaction(
                    r.path("reviewerID").asText(),
                    r.path("asin").asText(),
                    EventType.PURCHASE,
                    r.path("unixReviewTime").asLong() * 1000L)));
    forEachLine(
        meta,
        m -> {
          String asin = m.path("asin").asText();
          if (!asin.isEmpty() && !log.isDescribed(asin)) {
            log.describe(new Item(asin, text(m, category.style), category(m)));
          }
        });
  }

  /** Returns the item text of one meta line, at most {@link ItemText#MAX_CHARS} characters. */
  static String text(JsonNode meta, TextStyle style) {
    String title = meta.path("title").asText("");
    if (style == TextStyle.TITLE && ItemText.isCleanTitle(title)) {
      return ItemText.clean(title);
    }
    List<String> parts = new ArrayList<>();
    String brand = ItemText.clean(meta.path("brand").asText(""));
    addIfPresent(parts, brand);
    if (ItemText.isCleanTitle(title)) {
      String cleanTitle = ItemText.clean(title);
      if (!cleanTitle.equalsIgnoreCase(brand)) {
        addIfPresent(parts, cleanTitle);
      }
    }
    List<String> categories = new ArrayList<>();
    JsonNode cats = meta.path("category");
    for (int i = 1; i < cats.size(); i++) { // entry 0 is the root ("Magazine Subscriptions")
      addIfPresent(categories, ItemText.clean(cats.get(i).asText("")));
    }
    addIfPresent(parts, String.join(" > ", categories));
    List<String> description = new ArrayList<>();
    for (JsonNode d : meta.path("description")) {
      addIfPresent(description, ItemText.clean(d.asText("")));
    }
    addIfPresent(parts, String.join(" ", description));
    return ItemText.cap(String.join(" | ", parts));
  }

  /** Returns the second entry of {@code category}, else {@code main_cat}, else "". */
  static String category(JsonNode meta) {
    JsonNode cats = meta.path("category");
    if (cats.size() >= 2) {
      return ItemText.clean(cats.get(1).asText(""));
    }
    return ItemText.clean(meta.path("main_cat").asText(""));
  }

  private static void addIfPresent(List<String> parts, String s) {
    if (!s.isEmpty()) {
      parts.add(s);
    }
  }

  private static void forEachLine(Path gz, Consumer<JsonNode> sink) {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8))) {
      String line;
      int lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        try {
          sink.accept(JSON.readTree(line));
        } catch (IOException e) {
          throw new UncheckedIOException(gz + ":" + lineNo + ": not a JSON object", e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + gz, e);
    }
  }
}
