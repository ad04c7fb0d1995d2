package io.carousel.http;

import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaType;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import io.carousel.http.ingest.EventParser;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

/**
 * What every route group that reads a body shares: a JSON or NDJSON body of at most {@code
 * carousel.http.max-body-bytes} as text, and an asynchronous answer completed through {@link
 * ErrorMapping}.
 */
public final class RequestBody extends AllDirectives {
  private final long maxBodyBytes;

  /**
   * @param maxBodyBytes largest accepted request body, bytes (413 above)
   */
  public RequestBody(long maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * Reads a JSON or NDJSON body of at most {@code maxBodyBytes} (415 for another content type or a
   * Content-Encoding other than identity, 413 when larger, 400 when it is not UTF-8) and completes
   * with what {@code handler} answers ({@code handler} gets the body and whether it is NDJSON).
   */
  public Route withBody(BiFunction<String, Boolean, CompletionStage<HttpResponse>> handler) {
    return withBodyRoute((body, ndjson) -> onComplete(handler.apply(body, ndjson), this::answer));
  }

  /** {@link #withBody}, continuing with the route {@code inner} makes of the body. */
  public Route withBodyRoute(BiFunction<String, Boolean, Route> inner) {
    return extractRequest(
        request -> {
          Optional<HttpResponse> encoded = BodyText.unsupportedCoding(request);
          if (encoded.isPresent()) {
            return complete(encoded.get());
          }
          akka.http.javadsl.model.RequestEntity entity = request.entity();
          MediaType mt = entity.getContentType().mediaType();
          String media = mt.mainType() + "/" + mt.subType();
          boolean ndjson =
              media.equals("application/x-ndjson") || media.equals("application/ndjson");
          if (!ndjson && !media.equals("application/json")) {
            return complete(
                Json.problem(
                    Problem.of(
                        415,
                        "Unsupported Media Type",
                        "Content-Type",
                        "expected application/json or application/x-ndjson, got " + media)));
          }
          Optional<HttpResponse> charset = BodyText.unsupportedCharset(entity.getContentType());
          if (charset.isPresent()) {
            return complete(charset.get());
          }
          return withSizeLimit(
              maxBodyBytes,
              () ->
                  entity(
                      Unmarshaller.entityToByteString(),
                      bytes -> {
                        String body;
                        try {
                          body = BodyText.decode(bytes);
                        } catch (EventParser.InvalidInput e) {
                          return complete(
                              Json.problem(Problem.of(400, "Bad Request", "body", e.getMessage())));
                        }
                        return inner.apply(body, ndjson);
                      }));
        });
  }

  /** Completes with the response, or with the failure as {@link ErrorMapping} answers it. */
  public Route answer(scala.util.Try<HttpResponse> result) {
    return result.isSuccess()
        ? complete(result.get())
        : complete(ErrorMapping.fromFailure(result.failed().get()));
  }
}
