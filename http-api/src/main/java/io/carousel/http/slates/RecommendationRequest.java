package io.carousel.http.slates;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.carousel.http.ErrorMapping;
import io.carousel.http.Json;
import io.carousel.http.ingest.EventParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JSON body of {@code POST /v1/users/{userId}/recommendations}: the same request as the GET
 * form, for an {@code exclude} list longer than a URL holds (Akka HTTP's 2,048-character URI limit
 * fits about 180 ids). Wire form: {@code {"k"?: int, "exclude"?: [itemId...], "context"?: itemId}}.
 *
 * @param k the slate size, or empty for the default
 * @param exclude item ids to leave out (NFC), in order; at most {@link #MAX_EXCLUDE}
 * @param context the item on screen (NFC), or empty
 */
record RecommendationRequest(Optional<String> k, List<String> exclude, Optional<String> context) {

  /** Most ids in {@code exclude} (a 1 MiB body holds far more; a slate never needs more). */
  static final int MAX_EXCLUDE = 10_000;

  /**
   * Parses {@code body}.
   *
   * @throws EventParser.InvalidInput naming the field ({@code k}, {@code exclude}, {@code context};
   *     none when the body is not a JSON object)
   */
  static RecommendationRequest parse(String body) throws EventParser.InvalidInput {
    JsonNode node;
    try {
      node = body.isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new EventParser.InvalidInput(
          null, "malformed JSON: " + ErrorMapping.scrub(e.getOriginalMessage()));
    }
    if (node == null || !node.isObject()) {
      throw new EventParser.InvalidInput(null, "the request must be a JSON object");
    }
    Optional<String> k = Optional.empty();
    JsonNode kNode = node.get("k");
    if (kNode != null && !kNode.isNull()) {
      if (!kNode.isIntegralNumber()) {
        throw new EventParser.InvalidInput("k", "'k' must be an integer, got " + kNode);
      }
      k = Optional.of(kNode.asText());
    }
    List<String> exclude = new ArrayList<>();
    JsonNode ex = node.get("exclude");
    if (ex != null && !ex.isNull()) {
      if (!ex.isArray()) {
        throw new EventParser.InvalidInput("exclude", "'exclude' must be an array of item ids");
      }
      if (ex.size() > MAX_EXCLUDE) {
        throw new EventParser.InvalidInput(
            "exclude", "'exclude' holds at most " + MAX_EXCLUDE + " ids, got " + ex.size());
      }
      for (JsonNode id : ex) {
        if (!id.isTextual()) {
          throw new EventParser.InvalidInput("exclude", "'exclude' must hold strings, got " + id);
        }
        String problem = EventParser.idProblem("exclude", id.textValue());
        if (problem != null) {
          throw new EventParser.InvalidInput("exclude", problem);
        }
        exclude.add(EventParser.nfc(id.textValue()));
      }
    }
    Optional<String> context = Optional.ofNullable(EventParser.id(node, "context", false));
    return new RecommendationRequest(k, List.copyOf(exclude), context);
  }
}
