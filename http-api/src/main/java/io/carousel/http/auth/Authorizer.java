package io.carousel.http.auth;

import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import akka.japi.Pair;
import com.typesafe.config.Config;
import io.carousel.http.limits.Admission;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.duration.FiniteDuration;

/**
 * Decides, before any route runs, whether a request may: no keys configured = every route open (a
 * loopback host only, see {@link AuthSettings#checkExposure}); otherwise {@code Authorization:
 * Bearer <key or token>} against {@link RouteAccess}. Missing or unknown credentials get 401, a
 * credential without the right gets 403, both problem+json with {@code WWW-Authenticate: Bearer}; a
 * refused request reaches no route, so it changes nothing.
 */
public final class Authorizer extends AllDirectives {
  private static final Logger LOG = LoggerFactory.getLogger(Authorizer.class);
  private static final String STREAM = "GET /v1/users/{userId}/stream";
  private static final String EVENTS = "POST /v1/events";
  // How long a shopper's event body may take to arrive before its users are checked.
  private static final FiniteDuration BODY_TIMEOUT = FiniteDuration.create(10, TimeUnit.SECONDS);

  private final AuthSettings settings;
  private final Optional<ApiKeys> keys;
  private final ShopperTokens tokens;
  private final RouteMatcher routes;
  private final long maxBodyBytes;
  private final Cors cors;

  /**
   * @param keys the API keys; empty = every route open
   * @param routeTable every route as {@code "METHOD /path/{param}"}
   * @param maxBodyBytes the largest body read to check a shopper's events
   * @param cors the allowed browser origins
   */
  public Authorizer(
      AuthSettings settings,
      Optional<ApiKeys> keys,
      ShopperTokens tokens,
      List<String> routeTable,
      long maxBodyBytes,
      Cors cors) {
    this.cors = cors;
    this.settings = settings;
    this.keys = keys;
    this.tokens = tokens;
    this.routes = new RouteMatcher(routeTable);
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * Builds the authorizer of a node from {@code carousel.http.auth} and logs in one line whether
   * the routes are open or keyed (never a key).
   *
   * @throws IllegalArgumentException when the keys or secret file cannot be read or is invalid
   */
  public static Authorizer fromConfig(
      Config config, List<String> routeTable, long maxBodyBytes, Clock clock) {
    AuthSettings s = AuthSettings.fromConfig(config);
    Optional<ApiKeys> keys = s.apiKeysFile().map(f -> ApiKeys.load(f, clock, s.reloadCheck()));
    byte[] seed =
        s.tokenSecretFile().map(Authorizer::readSeed).orElseGet(ShopperTokens::randomSeed);
    ShopperTokens tokens = new ShopperTokens(seed, clock, s.tokenRotation(), s.tokenMaxTtl());
    if (keys.isPresent()) {
      LOG.info(
          "HTTP auth: {} API keys from {} (reloaded on change); /metrics {}; tokens signed with {}",
          keys.get().size(),
          keys.get().file(),
          s.metricsOpen() ? "open" : "admin",
          s.tokenSecretFile().isPresent() ? "the secret file's seed" : "a random per-start seed");
    } else {
      LOG.info(
          "HTTP auth: OFF, every route open (no --api-keys{})",
          s.insecure() ? "; --insecure" : "; loopback only");
    }
    return new Authorizer(s, keys, tokens, routeTable, maxBodyBytes, Cors.fromConfig(config));
  }

  private static byte[] readSeed(java.nio.file.Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the token secret file " + file + ": " + e, e);
    }
  }

  /** Returns the token issuer and verifier. */
  public ShopperTokens tokens() {
    return tokens;
  }

  /** Returns whether requests are checked (keys configured). */
  public boolean enforcing() {
    return keys.isPresent();
  }

  /** Returns the settings. */
  public AuthSettings settings() {
    return settings;
  }

  /**
   * Runs {@code inner} when the request may, else answers 400, 401 or 403; CORS preflights of
   * allowed origins are answered first (see {@link Cors}). No abuse limits.
   */
  public Route guard(Supplier<Route> inner) {
    return guard(Admission.OFF, inner);
  }

  /**
   * As {@link #guard(Supplier)}, then {@code admission} (rate limit 429, heap 503) for the
   * request's principal: its API key, its shopper token's user, or — every route open — the
   * client's address. Open routes ({@code /health/*}, …) are not limited.
   */
  public Route guard(Admission admission, Supplier<Route> inner) {
    return cors.handle(() -> checked(admission, inner));
  }

  private Route checked(Admission admission, Supplier<Route> inner) {
    return extractRequest(
        request -> {
          Decision d =
              keys.isPresent()
                  ? decide(request)
                  : admission.active() ? open(request) : Decision.OPEN;
          if (d.refusal != null) {
            return complete(d.refusal);
          }
          if (d.principal != null) {
            Optional<HttpResponse> limited = admission.admit(d.principal, d.route);
            if (limited.isPresent()) {
              return complete(limited.get());
            }
          }
          if (d.bodyUser != null) {
            return toStrictEntity(
                BODY_TIMEOUT,
                maxBodyBytes,
                () ->
                    extractRequest(
                        strict -> {
                          Optional<HttpResponse> other = BodyUsers.otherUser(strict, d.bodyUser);
                          return other.isPresent() ? complete(other.get()) : inner.get();
                        }));
          }
          return inner.get();
        });
  }

  /**
   * @param refusal the answer instead of the route, or null
   * @param bodyUser the shopper whose events alone the body may hold, or null
   * @param principal who the request counts against (rate limit), or null for an open route
   * @param route the matched route, or null
   */
  private record Decision(
      HttpResponse refusal, String bodyUser, Admission.Principal principal, String route) {
    static final Decision OPEN = new Decision(null, null, null, null);

    static Decision allow(Admission.Principal principal, RouteMatcher.Match match) {
      return new Decision(null, null, principal, match == null ? null : match.route());
    }
  }

  /** Without keys: every route open, counted against the client's address. */
  private Decision open(HttpRequest request) {
    RouteMatcher.Match match = routes.match(request);
    if (match != null && RouteAccess.of(match.route(), settings.metricsOpen()).open()) {
      return Decision.OPEN;
    }
    return Decision.allow(
        new Admission.Principal(Admission.Kind.ADDRESS, clientAddress(request)), match);
  }

  /**
   * The TCP peer's address ({@code akka.http.server.remote-address-attribute}); never {@code
   * X-Forwarded-For}, which any client can write to pick its own bucket.
   */
  static String clientAddress(HttpRequest request) {
    return request
        .getAttribute(akka.http.javadsl.model.AttributeKeys.remoteAddress)
        .flatMap(a -> a.getAddress())
        .map(java.net.InetAddress::getHostAddress)
        .orElse("unknown");
  }

  private Decision decide(HttpRequest request) {
    RouteMatcher.Match match = routes.match(request);
    RouteAccess.Rule rule =
        match == null
            // No route of the table: admin, so that no path spelling Akka's matchers accept but
            // this matcher does not (a prefix, an encoded slash) can reach a route with less.
            ? new RouteAccess.Rule(Scope.ADMIN, RouteAccess.Shopper.NONE)
            : RouteAccess.of(match.route(), settings.metricsOpen());
    List<Pair<String, String>> query;
    boolean unparsable = false;
    try {
      query = request.getUri().query().toList();
    } catch (RuntimeException e) {
      query = List.of();
      unparsable = true;
    }
    // A key anywhere in the query string (any parameter's name or value, a part of one, encoded or
    // not) is in someone's access log now: refuse on every route, open ones included, so the
    // mistake is seen and fixed. The detail never quotes it.
    String keyIn = keyInQuery(request, query);
    if (keyIn != null) {
      return refuse(
          Refusals.badRequest(
              keyIn,
              "an API key in the query string is refused (it lands in access logs); send it as"
                  + " Authorization: Bearer <key>"));
    }
    if (rule.open()) {
      return Decision.OPEN;
    }
    if (unparsable) {
      return refuse(Refusals.badRequest("query", "the query string cannot be parsed"));
    }
    String accessToken = null;
    for (Pair<String, String> p : query) {
      if (p.first().equals("access_token")) {
        accessToken = p.second();
      }
    }
    List<String> authorization = new ArrayList<>();
    for (HttpHeader h : request.getHeaders()) {
      if (h.lowercaseName().equals("authorization")) {
        authorization.add(h.value());
      }
    }
    String credential;
    if (accessToken != null) {
      if (match == null || !match.route().equals(STREAM)) {
        return refuse(
            Refusals.badRequest(
                "access_token",
                "access_token is accepted on the WebSocket stream only; send Authorization:"
                    + " Bearer <token>"));
      }
      if (!authorization.isEmpty()) {
        return refuse(Refusals.badRequest("access_token", "give the token in one place, not two"));
      }
      if (!accessToken.startsWith(ShopperTokens.PREFIX)) {
        return refuse(Refusals.unauthorized("access_token carries shopper tokens only", true));
      }
      credential = accessToken;
    } else if (authorization.isEmpty()) {
      return refuse(Refusals.unauthorized("missing Authorization: Bearer <key or token>", false));
    } else if (authorization.size() > 1) {
      return refuse(Refusals.unauthorized("more than one Authorization header", true));
    } else {
      String value = authorization.get(0).strip();
      int space = value.indexOf(' ');
      if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Bearer")) {
        return refuse(Refusals.unauthorized("expected the Bearer scheme", true));
      }
      credential = value.substring(space + 1).strip();
      if (credential.isEmpty() || credential.chars().anyMatch(c -> c <= 32 || c >= 127)) {
        return refuse(Refusals.unauthorized("malformed Bearer credential", true));
      }
    }
    if (credential.length() > settings.maxCredentialChars()) {
      return refuse(
          Refusals.unauthorized(
              "credential longer than " + settings.maxCredentialChars() + " characters", true));
    }
    if (credential.startsWith(ShopperTokens.PREFIX)) {
      return shopper(credential, match, rule);
    }
    Optional<ApiKeys.Key> key = keys.get().find(credential);
    if (key.isEmpty()) {
      return refuse(Refusals.unauthorized("unknown API key", true));
    }
    Set<Scope> has = key.get().scopes();
    if (has.contains(Scope.ADMIN) || has.contains(rule.scope())) {
      return Decision.allow(new Admission.Principal(Admission.Kind.KEY, key.get().id()), match);
    }
    return refuse(
        Refusals.forbidden(rule.scope(), "this route needs scope " + rule.scope().wire()));
  }

  private Decision shopper(String token, RouteMatcher.Match match, RouteAccess.Rule rule) {
    ShopperTokens.Verified v;
    try {
      v = tokens.verify(token);
    } catch (ShopperTokens.Invalid e) {
      return refuse(Refusals.unauthorized(e.getMessage(), true));
    }
    Admission.Principal shopper = new Admission.Principal(Admission.Kind.SHOPPER, v.userId());
    return switch (rule.shopper()) {
      case PATH_USER ->
          v.userId().equals(match.userId())
              ? Decision.allow(shopper, match)
              : refuse(Refusals.forbidden(null, "the token is for another user"));
      case BODY_USERS -> new Decision(null, v.userId(), shopper, match.route());
      case ANY -> Decision.allow(shopper, match);
      case NONE ->
          refuse(
              Refusals.forbidden(
                  rule.scope(),
                  "a shopper token allows only its user's recommendations, stream, events and"
                      + " summary, and the catalogue"));
    };
  }

  private static Decision refuse(HttpResponse response) {
    return new Decision(response, null, null, null);
  }

  /**
   * Returns the query parameter holding an API key (in its name or value, decoded), {@code "query"}
   * when a key shows only in the raw query string (split by an escape), or null.
   */
  private String keyInQuery(HttpRequest request, List<Pair<String, String>> query) {
    ApiKeys k = keys.get();
    for (Pair<String, String> p : query) {
      if (k.occursIn(p.first())) {
        return "query"; // the name holds the key: not to be echoed
      }
      if (k.occursIn(p.second())) {
        return p.first().isEmpty() ? "query" : p.first();
      }
    }
    return k.occursIn(request.getUri().rawQueryString().orElse("")) ? "query" : null;
  }
}
