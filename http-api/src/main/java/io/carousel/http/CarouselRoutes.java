package io.carousel.http;

import static akka.http.javadsl.server.PathMatchers.segment;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaType;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import io.carousel.user.ProfileDependencies;
import io.carousel.user.ProfileSummary;
import io.carousel.user.UserProfile;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The HTTP surface under {@code /v1}: events in, slates out (REST and WebSocket), profile summary,
 * health. Routes only translate; every decision is the {@link UserProfile}'s.
 */
public final class CarouselRoutes extends AllDirectives {
  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final long maxBodyBytes;
  private final int maxK;
  private final EventIngest ingest;
  private final ItemIngest items;
  private final OpsRoutes ops;
  private final RequestMetrics requestMetrics;
  private final SlateCache slates;
  private final ClusterStatus cluster;
  private final StreamRoute streams;
  private final ActorSystem<?> system;
  private final io.carousel.http.auth.Authorizer auth;
  private final TokenRoutes tokens;
  private final io.carousel.http.privacy.UserIds ids;
  private final io.carousel.http.limits.Admission admission;

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
      io.carousel.http.auth.Authorizer auth) {
    this(
        system,
        sharding,
        settings,
        deps,
        registry,
        ready,
        auth,
        new io.carousel.http.limits.Admission(
            settings.limits(),
            registry,
            io.carousel.http.limits.HeapGauge::afterLastGc,
            System::nanoTime));
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
      io.carousel.http.auth.Authorizer auth,
      io.carousel.http.limits.Admission admission) {
    this.auth = auth;
    this.admission = admission;
    if (admission.settings().rateLimitEnabled()) {
      Duration sweep = admission.settings().sweepInterval();
      system
          .scheduler()
          .scheduleAtFixedRate(
              sweep, sweep, () -> admission.limiter().sweep(), system.executionContext());
    }
    this.tokens = new TokenRoutes(auth.tokens(), auth.settings().tokenDefaultTtl());
    this.sharding = sharding;
    this.askTimeout = settings.askTimeout();
    this.maxBodyBytes = settings.maxBodyBytes();
    this.maxK = settings.maxK();
    // Shop ids become Carousel's ids here and nowhere else (docs/security.md, item 5).
    this.ids = io.carousel.http.privacy.UserIds.fromConfig(system.settings().config());
    this.ingest =
        new EventIngest(sharding, askTimeout, Clock.systemUTC(), settings.futureTolerance(), ids);
    this.items = new ItemIngest(system, askTimeout, deps.model(), deps.availability());
    this.ops =
        new OpsRoutes(
            system, deps.metrics(), registry, askTimeout, ready, () -> OpsRoutes.nodeSummary(deps));
    this.requestMetrics = new RequestMetrics(registry);
    this.slates = new SlateCache(settings.slateCacheSize());
    this.cluster = new ClusterStatus(system, sharding, askTimeout);
    this.streams = new StreamRoute(system, settings, this::entity, ids);
    this.system = system;
    system.systemActorOf(
        SlateCacheEvictor.create(slates),
        "slate-cache-evictor-" + java.util.UUID.randomUUID(),
        akka.actor.typed.Props.empty());
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
        path("events", () -> post(this::postEvents)),
        path("cluster", () -> get(cluster::route)),
        pathPrefix(
            "items",
            () ->
                concat(
                    pathEndOrSingleSlash(() -> concat(put(this::putItems), get(this::listItems))),
                    path(
                        segment(),
                        itemId ->
                            concat(
                                get(
                                    () ->
                                        onComplete(
                                            items.get(EventParser.nfc(itemId)), this::completeTry)),
                                delete(
                                    () ->
                                        onComplete(
                                            items.delete(EventParser.nfc(itemId)),
                                            this::completeTry)))))),
        pathPrefix(
            "users",
            () ->
                pathPrefix(
                    segment().map(EventParser::nfc),
                    userId ->
                        concat(
                            pathEndOrSingleSlash(
                                () ->
                                    concat(
                                        get(() -> summary(userId)), delete(() -> forget(userId)))),
                            path(
                                "recommendations",
                                () ->
                                    concat(
                                        get(() -> recommendations(userId)),
                                        post(() -> postRecommendations(userId)))),
                            path("stream", () -> get(() -> stream(userId)))))));
  }

  private Route postEvents() {
    return withBody((body, ndjson) -> ingest.handle(body, ndjson));
  }

  private Route listItems() {
    return parameterOptional(
        "offset",
        offset ->
            parameterOptional(
                "limit",
                limit -> {
                  int from;
                  int n;
                  String field = "offset";
                  try {
                    from = QueryParams.intParam(offset, field, 0, 0, Integer.MAX_VALUE);
                    field = "limit";
                    n = QueryParams.intParam(limit, field, 100, 1, 1000);
                  } catch (IllegalArgumentException e) {
                    return complete(
                        Json.problem(Problem.of(400, "Bad Request", field, e.getMessage())));
                  }
                  return complete(Json.response(200, items.list(from, n)));
                }));
  }

  private Route putItems() {
    return withBody((body, ndjson) -> items.upsert(body));
  }

  /**
   * Reads a JSON or NDJSON body of at most {@code maxBodyBytes} (415 for another content type or a
   * Content-Encoding other than identity, 413 when larger, 400 when it is not UTF-8) and completes
   * with what {@code handler} answers.
   */
  private Route withBody(BiFunction<String, Boolean, CompletionStage<HttpResponse>> handler) {
    return withBodyRoute(
        (body, ndjson) -> onComplete(handler.apply(body, ndjson), this::completeTry));
  }

  /** {@link #withBody}, continuing with the route {@code inner} makes of the body. */
  private Route withBodyRoute(BiFunction<String, Boolean, Route> inner) {
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

  private Route completeTry(scala.util.Try<HttpResponse> result) {
    return result.isSuccess()
        ? complete(result.get())
        : complete(ErrorMapping.fromFailure(result.failed().get()));
  }

  /**
   * {@link #completeTry} for a user's route: an error the user actor phrased with Carousel's id
   * {@code id} names the shop's {@code userId} instead.
   */
  private Route completeTry(scala.util.Try<HttpResponse> result, String userId, String id) {
    if (result.isSuccess() || !ids.pseudonymous()) {
      return completeTry(result);
    }
    Throwable t = result.failed().get();
    Throwable cause =
        t instanceof java.util.concurrent.CompletionException && t.getCause() != null
            ? t.getCause()
            : t;
    if (cause instanceof akka.pattern.StatusReply.ErrorMessage e) {
      cause = new akka.pattern.StatusReply.ErrorMessage(ids.external(e.getMessage(), userId, id));
    }
    return complete(ErrorMapping.fromFailure(cause));
  }

  private Route recommendations(String userId) {
    return parameterOptional(
        "k",
        kParam ->
            parameterList(
                "exclude",
                excludes ->
                    parameterOptional(
                        "context",
                        context ->
                            recommend(
                                userId,
                                kParam,
                                splitExcludes(excludes),
                                context.map(EventParser::nfc)))));
  }

  /** Returns the GET form's {@code exclude} values (repeated and/or comma-separated), NFC. */
  private static List<String> splitExcludes(List<String> excludes) {
    List<String> exclude = new ArrayList<>();
    for (String e : excludes) {
      Arrays.stream(e.split(","))
          .map(String::strip)
          .filter(s -> !s.isEmpty())
          .map(EventParser::nfc)
          .forEach(exclude::add);
    }
    return exclude;
  }

  /**
   * {@code POST .../recommendations} with {@code {k, exclude, context}}: the GET request for an
   * exclude list longer than a URL holds.
   */
  private Route postRecommendations(String userId) {
    return withBodyRoute(
        (body, ndjson) -> {
          RecommendationRequest r;
          try {
            if (ndjson) {
              throw new EventParser.InvalidInput(null, "expected one JSON object, not NDJSON");
            }
            r = RecommendationRequest.parse(body);
          } catch (EventParser.InvalidInput e) {
            String field = e.field() == null ? "body" : e.field();
            return complete(Json.problem(Problem.of(400, "Bad Request", field, e.getMessage())));
          }
          return recommend(userId, r.k(), r.exclude(), r.context());
        });
  }

  private Route recommend(
      String userId, Optional<String> kParam, List<String> exclude, Optional<String> context) {
    return withUserAndK(
        userId,
        kParam,
        k -> {
          String contextProblem =
              context.map(c -> EventParser.idProblem("context", c)).orElse(null);
          if (contextProblem != null) {
            return complete(
                Json.problem(Problem.of(400, "Bad Request", "context", contextProblem)));
          }
          // The GET form's exclude ids are held to the same rule as every other id (the POST form
          // checks them while parsing): 400 before anything reaches the user's actor.
          for (String e : exclude) {
            String excludeProblem = EventParser.idProblem("exclude", e);
            if (excludeProblem != null) {
              return complete(
                  Json.problem(Problem.of(400, "Bad Request", "exclude", excludeProblem)));
            }
          }
          long start = System.nanoTime();
          String id = ids.internal(userId);
          CompletionStage<HttpResponse> reply =
              entity(id)
                  .<UserProfile.SlateReply>askWithStatus(
                      r ->
                          new UserProfile.Recommend(
                              k, List.copyOf(exclude), context.orElse(null), r),
                      askTimeout)
                  .thenApply(s -> fresh(userId, id, s, start))
                  .exceptionally(failure -> cachedOrFail(userId, id, k, exclude, failure));
          return onComplete(reply, t -> completeTry(t, userId, id));
        });
  }

  /** Validates the user id and {@code k} (400 naming the field), then continues with k. */
  private Route withUserAndK(
      String userId, Optional<String> kParam, java.util.function.IntFunction<Route> inner) {
    Optional<HttpResponse> invalid = validateUserId(userId);
    if (invalid.isPresent()) {
      return complete(invalid.get());
    }
    int k;
    try {
      k = parseK(kParam);
    } catch (IllegalArgumentException e) {
      return complete(Json.problem(Problem.of(400, "Bad Request", "k", e.getMessage())));
    }
    return inner.apply(k);
  }

  /**
   * Answers a slate the user actor just served; one it did not log (a user never seen) has no
   * {@code slateId} and the header {@code Carousel-Slate-Logged: false}.
   */
  private HttpResponse fresh(
      String userId, String id, UserProfile.SlateReply reply, long requestStartNanos) {
    // Cached under Carousel's id, answered in the shop's.
    SlateResponse slate = SlateResponse.of(reply);
    slates.put(id, slate, requestStartNanos);
    HttpResponse response = Json.response(200, slate.withUserId(userId));
    return reply.logged()
        ? response
        : response.addHeader(akka.http.javadsl.model.HttpHeader.parse(SLATE_LOGGED, "false"));
  }

  /**
   * When the user actor timed out (typically: the journal is down, so its {@code SlateServed}
   * cannot be persisted and the actor restarts), answers the user's last slate again, marked as not
   * logged; otherwise rethrows for {@link ErrorMapping}.
   */
  private HttpResponse cachedOrFail(
      String userId, String id, int k, List<String> exclude, Throwable failure) {
    Throwable cause =
        failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    boolean timedOut =
        cause instanceof akka.pattern.AskTimeoutException
            || cause instanceof java.util.concurrent.TimeoutException;
    Optional<SlateResponse> cached = timedOut ? slates.get(id, k, exclude) : Optional.empty();
    if (cached.isEmpty()) {
      throw failure instanceof java.util.concurrent.CompletionException ce
          ? ce
          : new java.util.concurrent.CompletionException(failure);
    }
    return Json.response(200, cached.get().withUserId(userId))
        .addHeader(akka.http.javadsl.model.HttpHeader.parse(SLATE_LOGGED, "false"));
  }

  /**
   * Response header on a slate that was not logged as {@code SlateServed} (answered from cache, or
   * served to a user never seen).
   */
  static final String SLATE_LOGGED = "Carousel-Slate-Logged";

  private int parseK(Optional<String> kParam) {
    return QueryParams.intParam(kParam, "k", 10, 1, maxK);
  }

  private Route summary(String userId) {
    Optional<HttpResponse> invalid = validateUserId(userId);
    if (invalid.isPresent()) {
      return complete(invalid.get());
    }
    String id = ids.internal(userId);
    CompletionStage<HttpResponse> reply =
        entity(id)
            .<ProfileSummary>askWithStatus(UserProfile.GetSummary::new, askTimeout)
            .thenApply(s -> Json.response(200, ProfileResponse.of(s).withUserId(userId)));
    return onComplete(reply, t -> completeTry(t, userId, id));
  }

  private Route forget(String userId) {
    Optional<HttpResponse> invalid = validateUserId(userId);
    if (invalid.isPresent()) {
      return complete(invalid.get());
    }
    // The cache is emptied before the user actor forgets (no cached answer meanwhile) and, on
    // every node, again after it did (a GET in flight cannot put the old slate back); 204 only
    // then. A node that does not confirm is logged: the user is forgotten all the same.
    String id = ids.internal(userId);
    slates.forget(id);
    CompletionStage<HttpResponse> reply =
        entity(id)
            .<akka.Done>askWithStatus(UserProfile.Forget::new, askTimeout)
            .thenCompose(
                done ->
                    SlateCacheEvictor.evictEverywhere(system, id, askTimeout)
                        .handle(
                            (ok, failure) -> {
                              slates.forget(id);
                              if (failure != null) {
                                system
                                    .log()
                                    .warn(
                                        "forgot user {}, but a node's slate cache did not confirm"
                                            + " the eviction: {}",
                                        id,
                                        failure.toString());
                              }
                              return HttpResponse.create().withStatus(204);
                            }));
    return onComplete(reply, t -> completeTry(t, userId, id));
  }

  private Route stream(String userId) {
    return parameterOptional(
        "k", kParam -> withUserAndK(userId, kParam, k -> streams.stream(userId, k)));
  }

  private EntityRef<UserProfile.Command> entity(String userId) {
    return sharding.entityRefFor(UserProfile.TYPE_KEY, userId);
  }

  private static Optional<HttpResponse> validateUserId(String userId) {
    String problem = EventParser.idProblem("userId", userId);
    return problem == null
        ? Optional.empty()
        : Optional.of(Json.problem(Problem.of(400, "Bad Request", "userId", problem)));
  }
}
