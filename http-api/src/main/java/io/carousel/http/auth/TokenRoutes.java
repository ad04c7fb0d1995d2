package io.carousel.http.auth;

import akka.http.javadsl.model.MediaType;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import com.fasterxml.jackson.databind.JsonNode;
import io.carousel.http.BodyText;
import io.carousel.http.ErrorMapping;
import io.carousel.http.Json;
import io.carousel.http.Problem;
import io.carousel.http.ingest.EventParser;
import java.time.Duration;

/**
 * {@code POST /v1/tokens {"userId", "ttlSeconds"?}} → {@code {"token", "expiresAt", "userId"}}: a
 * shopper token for a browser (needs an {@code ingest} or {@code admin} key when keys are
 * configured; see {@link io.carousel.http.auth.RouteAccess}). Minting changes no state.
 */
public final class TokenRoutes extends AllDirectives {
  /** Largest token request body, bytes: two short fields. */
  static final long MAX_BODY_BYTES = 4096;

  /** The answer. */
  record TokenResponse(String token, String expiresAt, String userId) {}

  private final ShopperTokens tokens;
  private final Duration defaultTtl;

  public TokenRoutes(ShopperTokens tokens, Duration defaultTtl) {
    this.tokens = tokens;
    this.defaultTtl = defaultTtl;
  }

  /** Returns the {@code /v1/tokens} route. */
  public Route route() {
    return pathPrefix(
        "v1", () -> path("tokens", () -> post(() -> extractRequest(req -> issue(req)))));
  }

  private Route issue(akka.http.javadsl.model.HttpRequest request) {
    MediaType mt = request.entity().getContentType().mediaType();
    String media = mt.mainType() + "/" + mt.subType();
    if (!media.equals("application/json")) {
      return complete(
          Json.problem(
              Problem.of(
                  415,
                  "Unsupported Media Type",
                  "Content-Type",
                  "expected application/json, got " + media)));
    }
    return withSizeLimit(
        MAX_BODY_BYTES,
        () ->
            entity(
                Unmarshaller.entityToByteString(),
                bytes -> {
                  try {
                    return complete(Json.response(200, answer(BodyText.decode(bytes))));
                  } catch (EventParser.InvalidInput e) {
                    return complete(
                        Json.problem(Problem.of(400, "Bad Request", e.field(), e.getMessage())));
                  }
                }));
  }

  private TokenResponse answer(String body) throws EventParser.InvalidInput {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new EventParser.InvalidInput(
          null, "malformed JSON: " + ErrorMapping.scrub(e.getOriginalMessage()));
    }
    if (node == null || !node.isObject()) {
      throw new EventParser.InvalidInput(null, "expected {\"userId\", \"ttlSeconds\"}");
    }
    String userId = EventParser.id(node, "userId", true);
    long maxS = tokens.maxTtl().getSeconds();
    Duration ttl = defaultTtl;
    JsonNode t = node.get("ttlSeconds");
    if (t != null && !t.isNull()) {
      if (!t.canConvertToLong() || !t.isIntegralNumber() || t.asLong() < 1 || t.asLong() > maxS) {
        throw new EventParser.InvalidInput(
            "ttlSeconds", "'ttlSeconds' must be an integer in 1.." + maxS + ", got " + t);
      }
      ttl = Duration.ofSeconds(t.asLong());
    }
    ShopperTokens.Issued issued = tokens.issue(userId, ttl);
    return new TokenResponse(issued.token(), issued.expiresAt().toString(), userId);
  }
}
