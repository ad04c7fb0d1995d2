package io.carousel.http;

import akka.event.LoggingAdapter;
import akka.http.ParsingErrorHandler;
import akka.http.javadsl.model.HttpResponse;
import akka.http.scaladsl.model.ErrorInfo;
import akka.http.scaladsl.model.StatusCode;
import akka.http.scaladsl.settings.ServerSettings;

/**
 * Answers requests too malformed to reach the routes (a bad percent-escape or raw non-ASCII in the
 * target, an overlong URI, duplicate Content-Length, …) with {@code application/problem+json} like
 * every other error, instead of Akka HTTP's plain-text default. Set as {@code
 * akka.http.server.parsing.error-handler}; Akka creates it by its no-argument constructor.
 */
public final class ProblemParsingErrorHandler extends ParsingErrorHandler {
  @Override
  public HttpResponse handle(
      StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    log.warning(
        info.withSummaryPrepended("Illegal request, responding with status '" + status + "'")
            .formatPretty());
    // Never verbose: a client needs the rule it broke, not Akka's setting names or its own address.
    String detail = ErrorMapping.scrub(info.summary());
    if (status.intValue() == 413) {
      detail = "the body is larger than the largest accepted";
    }
    return Json.problem(Problem.of(status.intValue(), status.reason(), field(status), detail));
  }

  /** The part of the request the status blames, or null for the request as a whole. */
  static String field(StatusCode status) {
    return switch (status.intValue()) {
      case 413 -> "body";
      case 414 -> "uri";
      case 431 -> "headers";
      default -> null;
    };
  }
}
