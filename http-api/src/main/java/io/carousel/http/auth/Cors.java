package io.carousel.http.auth;

import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import com.typesafe.config.Config;
import io.carousel.http.ErrorMapping;
import io.carousel.http.Json;
import io.carousel.http.Problem;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * CORS for browser pages on other origins ({@code carousel.http.cors.allowed-origins}, exact
 * matches): a preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}) from an
 * allowed origin is answered 204 before authentication (browsers send no credentials on it), from
 * another origin 403; an actual request from an allowed origin gets {@code
 * Access-Control-Allow-Origin}; from another origin it gets no CORS header, so the browser does not
 * let the page read the answer. No allowed origin (the default) = same-origin pages only.
 */
public final class Cors extends AllDirectives {
  private final Set<String> allowed;
  private final Duration maxAge;

  /**
   * @param allowed the origins allowed, e.g. {@code https://shop.example} (scheme, host, port)
   * @param maxAge how long a browser may cache a preflight answer
   */
  public Cors(Set<String> allowed, Duration maxAge) {
    this.allowed = Set.copyOf(allowed);
    this.maxAge = maxAge;
  }

  /** Reads {@code carousel.http.cors}. */
  public static Cors fromConfig(Config config) {
    Config c = config.getConfig("carousel.http.cors");
    return new Cors(Set.copyOf(c.getStringList("allowed-origins")), c.getDuration("max-age"));
  }

  /** Applies the CORS rules around {@code inner}. */
  public Route handle(Supplier<Route> inner) {
    if (allowed.isEmpty()) {
      return inner.get();
    }
    return extractRequest(
        request -> {
          Optional<String> origin = request.getHeader("Origin").map(HttpHeader::value);
          if (origin.isEmpty()) {
            return inner.get();
          }
          boolean ok = allowed.contains(origin.get());
          boolean preflight =
              request.method().equals(HttpMethods.OPTIONS)
                  && request.getHeader("Access-Control-Request-Method").isPresent();
          if (preflight) {
            return complete(ok ? preflightAnswer(origin.get()) : refused(origin.get()));
          }
          if (!ok) {
            return inner.get();
          }
          return respondWithHeaders(
              List.of(
                  RawHeader.create("Access-Control-Allow-Origin", origin.get()),
                  RawHeader.create("Vary", "Origin")),
              // Rejections become responses here, so a 404 or 405 carries the header too.
              () -> handleRejections(ErrorMapping.rejectionHandler(), inner));
        });
  }

  private HttpResponse preflightAnswer(String origin) {
    return HttpResponse.create()
        .withStatus(204)
        .addHeader(RawHeader.create("Access-Control-Allow-Origin", origin))
        .addHeader(RawHeader.create("Vary", "Origin"))
        .addHeader(RawHeader.create("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE"))
        .addHeader(RawHeader.create("Access-Control-Allow-Headers", "Authorization, Content-Type"))
        .addHeader(RawHeader.create("Access-Control-Max-Age", Long.toString(maxAge.getSeconds())));
  }

  private static HttpResponse refused(String origin) {
    return Json.problem(
        Problem.of(403, "Forbidden", "Origin", "origin " + origin + " is not allowed (CORS)"));
  }
}
