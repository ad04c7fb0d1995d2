package io.carousel.http;

import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.server.ExceptionHandler;
import akka.http.javadsl.server.RejectionHandler;
import akka.http.scaladsl.model.EntityStreamSizeException;
import akka.pattern.AskTimeoutException;
import akka.pattern.StatusReply;
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
      return Json.problem(Problem.of(413, "Payload Too Large", "body", e.getMessage()));
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

  /** Akka HTTP's default rejections (404, 405, …), with their text turned into problem bodies. */
  public static RejectionHandler rejectionHandler() {
    return RejectionHandler.defaultHandler()
        .mapRejectionResponse(
            response -> {
              if (response.entity() instanceof HttpEntity.Strict strict
                  && !strict.getContentType().equals(Json.PROBLEM_JSON)) {
                int status = response.status().intValue();
                String detail = strict.getData().utf8String();
                String field = status == 413 ? "body" : null;
                return response.withEntity(
                    Json.PROBLEM_JSON,
                    Json.bytes(Problem.of(status, response.status().reason(), field, detail)));
              }
              return response;
            });
  }
}
