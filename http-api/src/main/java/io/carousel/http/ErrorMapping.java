package io.carousel.http;

import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.server.ExceptionHandler;
import akka.http.javadsl.server.RejectionHandler;
import akka.http.scaladsl.model.EntityStreamSizeException;
import akka.pattern.AskTimeoutException;
import akka.pattern.StatusReply;
import io.carousel.http.limits.ConnectionGate;
import io.carousel.user.UserProfile;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP: timeout → 503, validation → 400/422, a too-large body →
 * 413, anything else → 500 with the cause logged once. Every error body is {@code
 * application/problem+json}.
 */
public final class ErrorMapping {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

  private ErrorMapping() {}

  /** Maps the failure of an ask (or any future) to a problem response. */
  public static HttpResponse fromFailure(Throwable failure) {
    Throwable t =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (t instanceof AskTimeoutException || t instanceof TimeoutException) {
      return Json.problem(
          Problem.of(503, "Service Unavailable", null, "timed out; retry (events are idempotent)"));
    }
    if (t instanceof StatusReply.ErrorMessage e
        && e.getMessage().startsWith(UserProfile.UNREADABLE_HISTORY)) {
      // A stored row this build cannot read: permanent until the user is deleted, so not a 503.
      return Json.problem(Problem.of(500, "Internal Server Error", null, e.getMessage()));
    }
    if (t instanceof StatusReply.ErrorMessage e
        && e.getMessage().startsWith(io.carousel.engine.ScoringModel.OVERLOADED)) {
      // Shed past capacity: nothing was done, the client may retry after a short pause.
      return Json.problem(Problem.of(503, "Service Unavailable", null, e.getMessage()))
          .addHeader(akka.http.javadsl.model.HttpHeader.parse("Retry-After", "1"));
    }
    if (t instanceof StatusReply.ErrorMessage e) {
      return Json.problem(Problem.of(503, "Service Unavailable", null, e.getMessage()));
    }
    if (t instanceof EntityStreamSizeException e) {
      return Json.problem(Problem.of(413, "Payload Too Large", "body", tooLarge(e)));
    }
    if (t instanceof ConnectionGate.BodyTimeout e) {
      return bodyTimeout(e);
    }
    LOG.error("request failed", t);
    return Json.problem(
        Problem.of(500, "Internal Server Error", null, t.getClass().getSimpleName()));
  }

  /** Exceptions that escape a route. */
  public static ExceptionHandler exceptionHandler() {
    return ExceptionHandler.newBuilder()
        .matchAny(t -> akka.http.javadsl.server.Directives.complete(fromFailure(t)))
        .build();
  }

  /** 408 for a body that streamed in too slowly; the connection is closed after it. */
  static HttpResponse bodyTimeout(ConnectionGate.BodyTimeout e) {
    return Json.problem(Problem.of(408, "Request Timeout", "body", e.getMessage()))
        .addHeader(akka.http.javadsl.model.headers.Connection.create("close"));
  }

  /**
   * The detail of a 413: the limit, in the API's words. Akka's own message names its settings
   * ({@code akka.http.[server|client].parsing.max-content-length}, …), which are no client's
   * business.
   */
  static String tooLarge(EntityStreamSizeException e) {
    return "the body is larger than " + e.limit() + " bytes, the largest accepted";
  }

  /**
   * A problem detail written by a library (Akka HTTP, Jackson) with what a client needs and no
   * more: backquoted setting and method names, "(set via ...)" hints, the source and the peer's
   * address are cut.
   */
  public static String scrub(String detail) {
    if (detail == null) {
      return null;
    }
    String d = detail.replace("The request content was malformed:\n", "");
    int hint = d.indexOf(" This may have been");
    if (hint >= 0) {
      d = d.substring(0, hint);
    }
    d = d.replaceAll("\\[Source: [^;\\]]*; (line: \\d+, column: \\d+)\\]", "[$1]");
    d = d.replaceAll(",? ?from `[^`]*`", "");
    d = d.replaceAll(" ?\\((?:set via |see )?`[^`]*`[^)]*\\)", "");
    d = d.replaceAll("`(akka|com\\.fasterxml|StreamRead|StreamWrite)[^`]*`", "a limit");
    d = d.replaceAll(" from \\d{1,3}(\\.\\d{1,3}){3}:\\d+$", "");
    d = d.replaceAll(" from \\[?[0-9a-fA-F:]+\\]?:\\d+$", "");
    return d.strip();
  }

  /** Akka HTTP's default rejections (404, 405, …), with their text turned into problem bodies. */
  public static RejectionHandler rejectionHandler() {
    return RejectionHandler.newBuilder()
        .handle(
            akka.http.javadsl.server.MalformedRequestContentRejection.class,
            r -> {
              Throwable cause = r.getCause();
              if (cause instanceof ConnectionGate.BodyTimeout timeout) {
                return akka.http.javadsl.server.Directives.complete(bodyTimeout(timeout));
              }
              if (cause instanceof EntityStreamSizeException size) {
                return akka.http.javadsl.server.Directives.complete(
                    Json.problem(Problem.of(413, "Payload Too Large", "body", tooLarge(size))));
              }
              return akka.http.javadsl.server.Directives.complete(
                  Json.problem(
                      Problem.of(
                          400,
                          "Bad Request",
                          "body",
                          "the body cannot be read: " + scrub(r.message()))));
            })
        .build()
        .withFallback(RejectionHandler.defaultHandler())
        .mapRejectionResponse(
            response -> {
              if (response.entity() instanceof HttpEntity.Strict strict
                  && !strict.getContentType().equals(Json.PROBLEM_JSON)) {
                int status = response.status().intValue();
                String detail = scrub(strict.getData().utf8String());
                String field = status == 413 ? "body" : null;
                return response.withEntity(
                    Json.PROBLEM_JSON,
                    Json.bytes(Problem.of(status, response.status().reason(), field, detail)));
              }
              return response;
            });
  }
}
