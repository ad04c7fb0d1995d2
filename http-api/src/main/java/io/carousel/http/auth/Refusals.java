package io.carousel.http.auth;

import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import io.carousel.http.Json;
import io.carousel.http.Problem;

/**
 * The responses of a refused request: problem+json naming the field, with the RFC 6750 {@code
 * WWW-Authenticate: Bearer} challenge on 401 and 403. Details never quote the credential.
 */
final class Refusals {
  private static final String REALM = "Bearer realm=\"carousel\"";

  private Refusals() {}

  /** 401: no credential, or one that is malformed, unknown, expired or badly signed. */
  static HttpResponse unauthorized(String detail, boolean presented) {
    return Json.problem(Problem.of(401, "Unauthorized", "Authorization", detail))
        .addHeader(
            RawHeader.create(
                "WWW-Authenticate", presented ? REALM + ", error=\"invalid_token\"" : REALM));
  }

  /** 403: a valid credential without the right; {@code scope} = the scope needed, or null. */
  static HttpResponse forbidden(Scope scope, String detail) {
    String challenge =
        REALM
            + ", error=\"insufficient_scope\""
            + (scope == null ? "" : ", scope=\"" + scope.wire() + "\"");
    return Json.problem(Problem.of(403, "Forbidden", "Authorization", detail))
        .addHeader(RawHeader.create("WWW-Authenticate", challenge));
  }

  /** 400 about the query string or how the credential was sent. */
  static HttpResponse badRequest(String field, String detail) {
    return Json.problem(Problem.of(400, "Bad Request", field, detail));
  }
}
