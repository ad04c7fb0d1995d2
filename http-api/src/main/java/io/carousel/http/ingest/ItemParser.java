package io.carousel.http.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.carousel.http.ErrorMapping;
import io.carousel.http.Json;
import io.carousel.user.Catalogue;

/**
 * Parses one catalogue line of {@code PUT /v1/items}: {@code {itemId, title?, description?,
 * category?, price?, inStock?}} (inStock defaults to true). Strict like {@link EventParser}; text
 * fields have length caps so that one item, and so every catalogue message, stays bounded.
 */
final class ItemParser {
  /** Longest accepted title, in characters. */
  static final int MAX_TITLE_LENGTH = 1_000;

  /** Longest accepted description, in characters. */
  static final int MAX_DESCRIPTION_LENGTH = 10_000;

  /** Longest accepted category, in characters (it crosses nodes with every availability). */
  static final int MAX_CATEGORY_LENGTH = Catalogue.MAX_CATEGORY_CHARS;

  private ItemParser() {}

  /**
   * Parses one JSON item.
   *
   * @throws EventParser.InvalidInput when the JSON is malformed or a field is invalid
   */
  static Catalogue.ItemUpsert parse(String json) throws EventParser.InvalidInput {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new EventParser.InvalidInput(
          null, "malformed JSON: " + ErrorMapping.scrub(e.getOriginalMessage()));
    }
    if (node == null || !node.isObject()) {
      throw new EventParser.InvalidInput(null, "an item must be a JSON object");
    }
    String itemId = EventParser.id(node, "itemId", true);
    String title = capped(node, "title", MAX_TITLE_LENGTH);
    String description = capped(node, "description", MAX_DESCRIPTION_LENGTH);
    String category = capped(node, "category", MAX_CATEGORY_LENGTH);
    Double price = null;
    JsonNode p = node.get("price");
    if (p != null && !p.isNull()) {
      if (!p.isNumber() || p.doubleValue() < 0 || !Double.isFinite(p.doubleValue())) {
        throw new EventParser.InvalidInput("price", "'price' must be a number >= 0, got " + p);
      }
      price = p.doubleValue();
    }
    boolean inStock = true;
    JsonNode s = node.get("inStock");
    if (s != null && !s.isNull()) {
      if (!s.isBoolean()) {
        throw new EventParser.InvalidInput("inStock", "'inStock' must be true or false, got " + s);
      }
      inStock = s.booleanValue();
    }
    return new Catalogue.ItemUpsert(itemId, title, description, category, price, inStock);
  }

  private static String capped(JsonNode node, String field, int max)
      throws EventParser.InvalidInput {
    String s = EventParser.text(node, field, false);
    if (s != null && s.length() > max) {
      throw new EventParser.InvalidInput(
          field, "'" + field + "' is longer than " + max + " characters");
    }
    return s;
  }
}
