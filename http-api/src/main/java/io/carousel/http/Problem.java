package io.carousel.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 9457 problem body ({@code application/problem+json}).
 *
 * @param type a URI reference naming the problem kind
 * @param title short summary of the kind
 * @param status the HTTP status code
 * @param detail what went wrong with this request, naming the field
 * @param field the offending field, or null
 * @param errors per-line problems of an NDJSON batch, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
    String type, String title, int status, String detail, String field, List<LineError> errors) {

  /** One rejected line of a batch. */
  public record LineError(int line, String field, String detail) {}

  /** A problem about one field. */
  public static Problem of(int status, String title, String field, String detail) {
    return new Problem(
        "https://carousel.dev/problems/" + title.toLowerCase().replace(' ', '-'),
        title,
        status,
        detail,
        field,
        null);
  }
}
