package io.carousel.http;

import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpCharsets;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.StatusCodes;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one JSON mapper of the HTTP layer and helpers that turn values into responses. */
public final class Json {
  /** Shared, thread-safe mapper; fails on trailing tokens so {@code {"a":1} x} is malformed. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          // {"userId":"a","userId":"b"} is ambiguous: reject it rather than keep the last value.
          .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .findAndAddModules()
          .build();

  /** {@code application/problem+json}. */
  public static final ContentType PROBLEM_JSON =
      ContentTypes.create(
          MediaTypes.applicationWithFixedCharset("problem+json", HttpCharsets.UTF_8));

  private Json() {}

  /** Serializes {@code value}; throws IllegalStateException if it cannot be (a bug). */
  public static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
    }
  }

  /** Returns {@code value} as a JSON response with {@code status}. */
  public static HttpResponse response(int status, Object value) {
    return HttpResponse.create()
        .withStatus(StatusCodes.get(status))
        .withEntity(ContentTypes.APPLICATION_JSON, bytes(value));
  }

  /** Returns {@code problem} as an {@code application/problem+json} response. */
  public static HttpResponse problem(Problem problem) {
    return HttpResponse.create()
        .withStatus(StatusCodes.get(problem.status()))
        .withEntity(PROBLEM_JSON, bytes(problem));
  }
}
