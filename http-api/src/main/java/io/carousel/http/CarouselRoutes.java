package io.carousel.http;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import io.carousel.http.auth.Authorizer;
import io.carousel.http.auth.TokenRoutes;
import io.carousel.http.ingest.IngestRoutes;
import io.carousel.http.limits.Admission;
import io.carousel.http.limits.HeapGauge;
import io.carousel.http.model.ModelRoutes;
import io.carousel.http.model.ModelService;
import io.carousel.http.ops.ClusterStatus;
import io.carousel.http.ops.OpsRoutes;
import io.carousel.http.ops.RequestMetrics;
import io.carousel.http.privacy.UserIds;
import io.carousel.http.slates.UserRoutes;
import io.carousel.user.ProfileDependencies;
import io.carousel.user.UserProfile;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The HTTP surface, composed of its route groups: events and items in ({@link IngestRoutes}),
 * slates and profiles out ({@link UserRoutes}, REST and WebSocket), shopper tokens ({@link
 * TokenRoutes}), cluster status, and the operational routes ({@link OpsRoutes}: health, metrics,
 * stats, OpenAPI, demo). Every request is timed ({@link RequestMetrics}), admitted ({@link
 * Admission}) and authorised ({@link Authorizer}); every failure answers as problem+json ({@link
 * ErrorMapping}). Routes only translate; every decision is the {@link UserProfile}'s.
 */
public final class CarouselRoutes extends AllDirectives {
  private final Authorizer auth;
  private final Admission admission;
  private final RequestMetrics requestMetrics;
  private final TokenRoutes tokens;
  private final IngestRoutes ingest;
  private final UserRoutes users;
  private final ClusterStatus cluster;
  private final OpsRoutes ops;
  private final ModelRoutes model;

  /**
   * @param settings limits and timeouts of the HTTP layer
   * @param deps what the node's user actors share (catalogue, availability, metrics)
   * @param registry where request metrics go; {@code /metrics} scrapes it when it is Prometheus
   * @param ready whether the node is ready (model loaded, journal answering)
   * @param auth who may call what (keys, shopper tokens; every route open without keys)
   */
  public CarouselRoutes(
      ActorSystem<?> system,
      ClusterSharding sharding,
      HttpSettings settings,
      ProfileDependencies deps,
      MeterRegistry registry,
      Supplier<Boolean> ready,
      Authorizer auth) {
    this(
        system,
        sharding,
        settings,
        deps,
        registry,
        ready,
        auth,
        new Admission(settings.limits(), registry, HeapGauge::afterLastGc, System::nanoTime));
  }

  /**
   * As above, with the abuse limits given ({@code carousel.http.rate-limit}, {@code
   * carousel.http.memory}; a test may give a heap reading of its own).
   */
  public CarouselRoutes(
      ActorSystem<?> system,
      ClusterSharding sharding,
      HttpSettings settings,
      ProfileDependencies deps,
      MeterRegistry registry,
      Supplier<Boolean> ready,
      Authorizer auth,
      Admission admission) {
    this(
        system,
        sharding,
        settings,
        deps,
        registry,
        ready,
        auth,
        admission,
        new ModelService(null, deps.model().modelVersion(), registry, java.time.Clock.systemUTC()));
  }

  /**
   * As above, with the node's model registry and retrain ({@code /v1/model}; a service without a
   * trainer answers 503 there).
   */
  public CarouselRoutes(
      ActorSystem<?> system,
      ClusterSharding sharding,
      HttpSettings settings,
      ProfileDependencies deps,
      MeterRegistry registry,
      Supplier<Boolean> ready,
      Authorizer auth,
      Admission admission,
      ModelService model) {
    this.auth = auth;
    this.model = new ModelRoutes(model);
    this.admission = admission;
    if (admission.settings().rateLimitEnabled()) {
      Duration sweep = admission.settings().sweepInterval();
      system
          .scheduler()
          .scheduleAtFixedRate(
              sweep, sweep, () -> admission.limiter().sweep(), system.executionContext());
    }
    // Shop ids become Carousel's ids here and nowhere else (docs/security.md, item 5).
    UserIds ids = UserIds.fromConfig(system.settings().config());
    RequestBody body = new RequestBody(settings.maxBodyBytes());
    this.requestMetrics = new RequestMetrics(registry);
    this.tokens = new TokenRoutes(auth.tokens(), auth.settings().tokenDefaultTtl());
    this.ingest = new IngestRoutes(system, sharding, settings, deps, ids, body);
    this.users = new UserRoutes(system, sharding, settings, ids, body);
    this.cluster = new ClusterStatus(system, sharding, settings.askTimeout());
    this.ops =
        new OpsRoutes(
            system,
            deps.metrics(),
            registry,
            settings.askTimeout(),
            ready,
            () -> OpsRoutes.nodeSummary(deps));
  }

  /**
   * Every route as {@code "METHOD /path/{param}"}; {@code /openapi.yaml} documents exactly these (a
   * test checks both directions and that each one answers).
   */
  public static final List<String> ROUTE_TABLE =
      List.of(
          "POST /v1/events",
          "POST /v1/tokens",
          "GET /v1/users/{userId}/recommendations",
          "POST /v1/users/{userId}/recommendations",
          "GET /v1/users/{userId}/stream",
          "GET /v1/users/{userId}",
          "DELETE /v1/users/{userId}",
          "GET /v1/items",
          "PUT /v1/items",
          "GET /v1/items/{itemId}",
          "DELETE /v1/items/{itemId}",
          "GET /v1/model",
          "POST /v1/model/retrain",
          "POST /v1/model/rollback",
          "POST /v1/model/challenger",
          "GET /v1/stats",
          "GET /v1/cluster",
          "GET /health/alive",
          "GET /health/ready",
          "GET /metrics",
          "GET /openapi.yaml",
          "GET /demo",
          "GET /");

  /** Returns the complete route tree. */
  public Route routes() {
    return extractRequest(
        request -> {
          long start = System.nanoTime();
          String path = request.getUri().path();
          String method = request.method().value();
          return mapResponse(
              response -> {
                requestMetrics.record(path, method, response.status().intValue(), start);
                return response;
              },
              this::handled);
        });
  }

  private Route handled() {
    return handleExceptions(
        ErrorMapping.exceptionHandler(),
        () ->
            handleRejections(
                ErrorMapping.rejectionHandler(),
                // Access rules per route: io.carousel.http.auth.RouteAccess.
                () ->
                    auth.guard(
                        admission,
                        () -> concat(tokens.route(), pathPrefix("v1", this::v1), ops.routes()))));
  }

  private Route v1() {
    return concat(
        ingest.routes(),
        path("cluster", () -> get(cluster::route)),
        model.routes(),
        users.routes());
  }
}
