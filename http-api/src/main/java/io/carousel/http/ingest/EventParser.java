package io.carousel.http.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.carousel.engine.data.EventTimes;
import io.carousel.http.ErrorMapping;
import io.carousel.http.Json;
import io.carousel.policy.EventType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;

/**
 * Parses and validates one event object. Strict: a wrong type, a missing field, an empty, overlong
 * or control-character id, an unknown event type or a timestamp that is neither ISO-8601 nor an
 * epoch number ({@link EventTimes}: seconds below 1e11, else milliseconds) is rejected with an
 * {@link InvalidInput} naming the field. Ids are normalised to Unicode NFC ({@link #nfc}).
 */
public final class EventParser {
  /**
   * Longest accepted id, in characters. The H2 journal's {@code persistence_id} column holds 255
   * characters, and a user's persistence id is {@code "UserProfile|" + userId}.
   */
  public static final int MAX_ID_LENGTH = 200;

  /** Thrown for an invalid event or item; {@link #field()} names the offending field. */
  public static final class InvalidInput extends Exception {
    private static final long serialVersionUID = 1L;
    private final String field;

    public InvalidInput(String field, String message) {
      super(message);
      this.field = field;
    }

    /** Returns the offending field, or null when the whole body is malformed. */
    public String field() {
      return field;
    }
  }

  private EventParser() {}

  /**
   * Parses one JSON event with no upper bound on its time.
   *
   * @throws InvalidInput when the JSON is malformed or a field is invalid
   */
  public static EventRequest parse(String json) throws InvalidInput {
    return parse(json, Long.MAX_VALUE);
  }

  /**
   * Parses one JSON event.
   *
   * @param latestAcceptedMs the latest accepted event time, epoch ms (now + clock-skew tolerance)
   * @throws InvalidInput when the JSON is malformed, a field is invalid or the event is dated after
   *     {@code latestAcceptedMs}
   */
  public static EventRequest parse(String json, long latestAcceptedMs) throws InvalidInput {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidInput(null, "malformed JSON: " + ErrorMapping.scrub(e.getOriginalMessage()));
    }
    if (node == null || !node.isObject()) {
      throw new InvalidInput(null, "an event must be a JSON object");
    }
    String userId = id(node, "userId", true);
    String itemId = id(node, "itemId", true);
    String typeName = text(node, "type", true);
    EventType type;
    try {
      type = EventType.fromWire(typeName);
    } catch (IllegalArgumentException e) {
      throw new InvalidInput("type", e.getMessage());
    }
    long ts = timestamp(node.get("timestamp"));
    if (ts < 0) {
      // Epoch milliseconds below 0 are rejected; the same instant written in ISO-8601 is too.
      throw new InvalidInput(
          "timestamp", "'timestamp' " + Instant.ofEpochMilli(ts) + " lies before 1970-01-01");
    }
    if (ts > latestAcceptedMs) {
      throw new InvalidInput(
          "timestamp",
          "'timestamp' "
              + Instant.ofEpochMilli(ts)
              + " lies in the future beyond the accepted clock skew (latest "
              + Instant.ofEpochMilli(latestAcceptedMs)
              + ")");
    }
    String slateId = id(node, "slateId", false);
    String eventId = id(node, "eventId", false);
    if (eventId == null) {
      eventId = contentId(userId, itemId, type, ts);
    }
    return new EventRequest(eventId, userId, itemId, type, ts, slateId);
  }

  static String text(JsonNode node, String field, boolean required) throws InvalidInput {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new InvalidInput(field, "'" + field + "' is required");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw new InvalidInput(field, "'" + field + "' must be a string, got " + v.getNodeType());
    }
    String s = v.textValue();
    if (hasLoneSurrogate(s)) {
      throw new InvalidInput(field, "'" + field + "' is not valid Unicode (a lone surrogate)");
    }
    return s;
  }

  /** Returns whether {@code s} has a UTF-16 surrogate that is not part of a pair. */
  static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return true;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns why {@code id} is not an acceptable id (user, item, event or slate), or null when it
   * is: non-blank, at most {@link #MAX_ID_LENGTH} characters, no control characters, valid Unicode,
   * and no {@code .} or {@code ..} between slashes ({@code ..}, {@code ../x}, {@code a/./b}): a
   * proxy that decodes {@code %2F} and normalizes dot segments would send such an id's URL to
   * another user or route (path traversal). Other slashes are fine ({@code a/b} is {@code a%2Fb}).
   */
  public static String idProblem(String field, String id) {
    if (id.isBlank()) {
      return "'" + field + "' must not be empty";
    }
    if (id.length() > MAX_ID_LENGTH) {
      return "'" + field + "' is longer than " + MAX_ID_LENGTH + " characters";
    }
    if (id.chars().anyMatch(Character::isISOControl)) {
      return "'" + field + "' contains a control character";
    }
    if (hasLoneSurrogate(id)) {
      return "'" + field + "' is not valid Unicode (a lone surrogate)";
    }
    if (id.indexOf('\uFFFD') >= 0) {
      // The replacement character is what a decoder makes of bytes that are not UTF-8 (a path's
      // %FF, %C3, %ED%A0%80 all become it): accepting it would make different ids one user.
      return "'" + field + "' contains U+FFFD (bytes that were not valid UTF-8)";
    }
    for (String part : id.split("/", -1)) {
      if (part.equals(".") || part.equals("..")) {
        return "'" + field + "' must not be '.' or '..' nor hold them between slashes";
      }
    }
    return null;
  }

  /**
   * Returns {@code id} in Unicode Normalization Form C: an id typed as a precomposed "é" and as "e"
   * + combining acute is one user, item or event (every id crossing the HTTP boundary goes through
   * this before it is validated and used). A lone surrogate is left as it is for the validation to
   * reject.
   */
  public static String nfc(String id) {
    return id == null || Normalizer.isNormalized(id, Normalizer.Form.NFC) || hasLoneSurrogate(id)
        ? id
        : Normalizer.normalize(id, Normalizer.Form.NFC);
  }

  public static String id(JsonNode node, String field, boolean required) throws InvalidInput {
    String s = nfc(text(node, field, required));
    if (s == null) {
      return null;
    }
    String problem = idProblem(field, s);
    if (problem != null) {
      throw new InvalidInput(field, problem);
    }
    return s;
  }

  /**
   * Returns the event time, epoch ms: a number by the rule the {@code file:} reader shares ({@link
   * EventTimes}: below 1e11 epoch seconds, others epoch ms); a string must be ISO-8601 with a zone.
   */
  private static long timestamp(JsonNode v) throws InvalidInput {
    if (v == null || v.isNull()) {
      throw new InvalidInput(
          "timestamp", "'timestamp' is required (ISO-8601, epoch seconds or epoch milliseconds)");
    }
    try {
      if (v.isIntegralNumber() && v.canConvertToLong()) {
        return EventTimes.fromEpochNumber(v.longValue());
      }
      if (v.isNumber()) {
        return EventTimes.fromEpochNumber(v.doubleValue());
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidInput("timestamp", "'timestamp': " + e.getMessage());
    }
    if (v.isTextual()) {
      // Text stays strict on the wire: ISO-8601 with a zone (Z or an offset), never a guess.
      String s = v.textValue().trim();
      try {
        return Instant.parse(s).toEpochMilli();
      } catch (DateTimeParseException e) {
        try {
          return OffsetDateTime.parse(s).toInstant().toEpochMilli();
        } catch (DateTimeParseException e2) {
          // fall through to the error below
        } catch (ArithmeticException | java.time.DateTimeException e2) {
          throw new InvalidInput("timestamp", "'timestamp' is out of range: " + s);
        }
      } catch (ArithmeticException | java.time.DateTimeException e) {
        throw new InvalidInput("timestamp", "'timestamp' is out of range: " + s);
      }
    }
    throw new InvalidInput(
        "timestamp",
        "'timestamp' must be ISO-8601 with a zone (2018-05-20T10:00:00Z) or a number (epoch"
            + " seconds below 1e11, else epoch milliseconds), got "
            + v);
  }

  private static String contentId(String userId, String itemId, EventType type, long ts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      String key = userId + '\u0000' + itemId + '\u0000' + type.wireName() + '\u0000' + ts;
      byte[] h = md.digest(key.getBytes(StandardCharsets.UTF_8));
      return "h-" + HexFormat.of().formatHex(h, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }
}
