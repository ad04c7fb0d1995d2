package io.carousel.http.auth;

import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaType;
import io.carousel.http.ingest.EventParser;
import io.carousel.http.ingest.EventRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Checks that every event a shopper token sends is that shopper's: the body is split exactly as
 * {@code POST /v1/events} splits it (one JSON event, or NDJSON lines) and each part is parsed by
 * the same {@link EventParser}. A part that does not parse is let through: the route rejects it
 * with the same parser, so it is never stored; every part that could be stored has been checked.
 */
final class BodyUsers {
  private BodyUsers() {}

  /**
   * Returns a 403 naming the first event for another user than {@code user}, or empty when there is
   * none (or the body is one the route rejects anyway: another content type or encoding, not
   * UTF-8).
   */
  static Optional<HttpResponse> otherUser(HttpRequest request, String user) {
    String coding =
        request.getHeader("Content-Encoding").map(h -> h.value().trim()).orElse("identity");
    if (!(coding.isEmpty() || coding.equalsIgnoreCase("identity"))
        || !(request.entity() instanceof HttpEntity.Strict strict)) {
      return Optional.empty();
    }
    MediaType mt = strict.getContentType().mediaType();
    String media = mt.mainType() + "/" + mt.subType();
    boolean ndjson = media.equals("application/x-ndjson") || media.equals("application/ndjson");
    if (!ndjson && !media.equals("application/json")) {
      return Optional.empty();
    }
    String body;
    try {
      ByteBuffer bytes = strict.getData().asByteBuffer();
      body =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(bytes)
              .toString();
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
    String[] parts = ndjson ? body.split("\r?\n", -1) : new String[] {body};
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].isBlank()) {
        continue;
      }
      EventRequest e;
      try {
        e = EventParser.parse(parts[i]);
      } catch (EventParser.InvalidInput invalid) {
        continue;
      }
      if (!e.userId().equals(user)) {
        String where = ndjson ? "line " + (i + 1) + ": " : "";
        return Optional.of(
            Refusals.forbidden(null, where + "the token allows events of its own user only"));
      }
    }
    return Optional.empty();
  }
}
