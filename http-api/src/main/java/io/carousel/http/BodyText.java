package io.carousel.http;

import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.util.ByteString;
import io.carousel.http.ingest.EventParser;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Turns a request body into text: strict UTF-8 (RFC 8259 §8.1), so a malformed byte is a 400
 * instead of a U+FFFD silently stored in an id.
 */
public final class BodyText {
  private BodyText() {}

  /**
   * Returns a 415 naming {@code Content-Encoding} when the body is compressed (gzip, br, …): it
   * would otherwise be read as text and rejected as malformed JSON, or, for an unknown coding whose
   * bytes happen to be JSON, accepted as if uncompressed.
   */
  public static Optional<HttpResponse> unsupportedCoding(HttpRequest request) {
    String coding =
        request.getHeader("Content-Encoding").map(h -> h.value().trim()).orElse("identity");
    if (coding.isEmpty() || coding.equalsIgnoreCase("identity")) {
      return Optional.empty();
    }
    return Optional.of(
        Json.problem(
            Problem.of(
                415,
                "Unsupported Media Type",
                "Content-Encoding",
                "request bodies are read uncompressed; got Content-Encoding "
                    + coding
                    + " (send the body without Content-Encoding)")));
  }

  /**
   * Returns the server settings that keep a declared charset of {@code application/json}: Akka HTTP
   * models JSON as fixed UTF-8 and drops a {@code charset=ISO-8859-1} parameter while parsing, so
   * {@link #unsupportedCharset} could not see it. Registering JSON as an open-charset type keeps
   * the parameter; responses are unaffected.
   */
  public static akka.http.javadsl.settings.ServerSettings serverSettings(
      akka.actor.typed.ActorSystem<?> system) {
    akka.http.javadsl.settings.ServerSettings settings =
        akka.http.javadsl.settings.ServerSettings.create(
            akka.actor.typed.javadsl.Adapter.toClassic(system));
    return settings.withParserSettings(
        settings
            .getParserSettings()
            .withCustomMediaTypes(
                akka.http.javadsl.model.MediaTypes.customWithOpenCharset(
                    "application", "json", java.util.Map.of(), false)));
  }

  /**
   * Returns a 415 naming {@code Content-Type} when the body declares a charset other than UTF-8 (or
   * its subset US-ASCII): JSON is UTF-8 (RFC 8259 §8.1), and reading such a body as UTF-8 would
   * either fail with a misleading 400 or silently store mis-decoded ids.
   */
  public static Optional<HttpResponse> unsupportedCharset(
      akka.http.javadsl.model.ContentType type) {
    Optional<akka.http.javadsl.model.HttpCharset> declared = type.getCharsetOption();
    if (declared.isEmpty()) {
      return Optional.empty();
    }
    String name = declared.get().value();
    if (name.equalsIgnoreCase("UTF-8") || name.equalsIgnoreCase("US-ASCII")) {
      return Optional.empty();
    }
    return Optional.of(
        Json.problem(
            Problem.of(
                415,
                "Unsupported Media Type",
                "Content-Type",
                "request bodies must be UTF-8; got charset="
                    + name
                    + " (send UTF-8, or declare charset=utf-8)")));
  }

  /**
   * Decodes {@code bytes} as UTF-8.
   *
   * @throws EventParser.InvalidInput (no field: the whole body) when the bytes are not UTF-8
   */
  public static String decode(ByteString bytes) throws EventParser.InvalidInput {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = bytes.asByteBuffer();
    String text;
    try {
      text = decoder.decode(in).toString();
    } catch (CharacterCodingException e) {
      throw new EventParser.InvalidInput(
          null, "the body is not valid UTF-8 (malformed bytes near byte " + in.position() + ")");
    }
    return text;
  }
}
