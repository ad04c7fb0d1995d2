package io.carousel.http.auth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who may call each route: the one table of the HTTP layer's access rules, keyed like {@code
 * CarouselRoutes.ROUTE_TABLE} ({@code "METHOD /path/{param}"}). A route missing from it needs
 * {@code admin} (fail closed); a test checks that every route of the table is listed here.
 */
public final class RouteAccess {
  private RouteAccess() {}

  /** What a shopper token may do on a route. */
  public enum Shopper {
    /** Nothing: 403. */
    NONE,
    /** Allowed when the path's {@code {userId}} is the token's user. */
    PATH_USER,
    /** Allowed when every event of the body (JSON or NDJSON) is the token's user's. */
    BODY_USERS,
    /**
     * Allowed with any valid token: public product data (the catalogue) that every shop shows to
     * every visitor anyway, which a page needs to render the slate's titles.
     */
    ANY
  }

  /**
   * One route's rule.
   *
   * @param scope the key scope it needs ({@code admin} always passes); null = open to anyone
   * @param shopper what a shopper token may do there
   */
  public record Rule(Scope scope, Shopper shopper) {
    /** Returns whether the route is open to anyone. */
    public boolean open() {
      return scope == null;
    }
  }

  private static final Rule OPEN = new Rule(null, Shopper.NONE);

  /** Every route's rule, in the order of the route table. */
  public static final Map<String, Rule> TABLE = table();

  private static Map<String, Rule> table() {
    Map<String, Rule> t = new LinkedHashMap<>();
    t.put("POST /v1/events", new Rule(Scope.INGEST, Shopper.BODY_USERS));
    t.put("POST /v1/tokens", new Rule(Scope.INGEST, Shopper.NONE));
    t.put("GET /v1/users/{userId}/recommendations", new Rule(Scope.READ, Shopper.PATH_USER));
    // The GET's form for exclude lists longer than a URL: the same rule.
    t.put("POST /v1/users/{userId}/recommendations", new Rule(Scope.READ, Shopper.PATH_USER));
    t.put("GET /v1/users/{userId}/stream", new Rule(Scope.READ, Shopper.PATH_USER));
    // A shopper may see what is kept of them (their own summary, as the demo page shows it).
    t.put("GET /v1/users/{userId}", new Rule(Scope.READ, Shopper.PATH_USER));
    t.put("DELETE /v1/users/{userId}", new Rule(Scope.ADMIN, Shopper.NONE));
    t.put("GET /v1/items", new Rule(Scope.READ, Shopper.ANY));
    t.put("GET /v1/items/{itemId}", new Rule(Scope.READ, Shopper.ANY));
    t.put("PUT /v1/items", new Rule(Scope.ADMIN, Shopper.NONE));
    t.put("DELETE /v1/items/{itemId}", new Rule(Scope.ADMIN, Shopper.NONE));
    // The registry's decisions and the retrain / rollback that change what every shopper is served.
    t.put("GET /v1/model", new Rule(Scope.ADMIN, Shopper.NONE));
    t.put("POST /v1/model/retrain", new Rule(Scope.ADMIN, Shopper.NONE));
    t.put("POST /v1/model/rollback", new Rule(Scope.ADMIN, Shopper.NONE));
    t.put("POST /v1/model/challenger", new Rule(Scope.ADMIN, Shopper.NONE));
    t.put("GET /v1/stats", new Rule(Scope.ADMIN, Shopper.NONE));
    t.put("GET /v1/cluster", new Rule(Scope.ADMIN, Shopper.NONE));
    t.put("GET /health/alive", OPEN);
    t.put("GET /health/ready", OPEN);
    t.put("GET /metrics", new Rule(Scope.ADMIN, Shopper.NONE));
    // The spec and the demo page are static and public; the page sends a token itself.
    t.put("GET /openapi.yaml", OPEN);
    t.put("GET /demo", OPEN);
    t.put("GET /", OPEN);
    return java.util.Collections.unmodifiableMap(t);
  }

  /**
   * Returns the rule of {@code route}: {@code admin} for a route not in the table, and open for
   * {@code /metrics} when {@code metricsOpen}.
   */
  public static Rule of(String route, boolean metricsOpen) {
    if (metricsOpen && route.equals("GET /metrics")) {
      return OPEN;
    }
    return TABLE.getOrDefault(route, new Rule(Scope.ADMIN, Shopper.NONE));
  }
}
