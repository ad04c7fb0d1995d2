package io.carousel.http.slates;

import static akka.http.javadsl.server.PathMatchers.segment;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import io.carousel.http.ErrorMapping;
import io.carousel.http.HttpSettings;
import io.carousel.http.Json;
import io.carousel.http.Problem;
import io.carousel.http.QueryParams;
import io.carousel.http.RequestBody;
import io.carousel.http.ingest.EventParser;
import io.carousel.http.privacy.UserIds;
import io.carousel.user.ProfileSummary;
import io.carousel.user.UserProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.IntFunction;

/**
 * A user's routes under {@code /v1/users/{userId}}: slates ({@code GET|POST /recommendations}, the
 * WebSocket {@code /stream}), the profile summary ({@code GET}) and forgetting ({@code DELETE}).
 * They only translate; every decision is the {@link UserProfile}'s. Ids arrive as the shop sends
 * them and reach the user actor as Carousel's ({@link UserIds}).
 */
public final class UserRoutes extends AllDirectives {
  /**
   * Response header on a slate that was not logged as {@code SlateServed} (answered from cache, or
   * served to a user never seen).
   */
  public static final String SLATE_LOGGED = "Carousel-Slate-Logged";

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final int maxK;
  private final UserIds ids;
  private final RequestBody body;
  private final SlateCache slates;
  private final StreamRoute streams;

  public UserRoutes(
      ActorSystem<?> system,
      ClusterSharding sharding,
      HttpSettings settings,
      UserIds ids,
      RequestBody body) {
    this.system = system;
    this.sharding = sharding;
    this.askTimeout = settings.askTimeout();
    this.maxK = settings.maxK();
    this.ids = ids;
    this.body = body;
    this.slates = new SlateCache(settings.slateCacheSize());
    this.streams = new StreamRoute(system, settings, this::entity, ids);
    system.systemActorOf(
        SlateCacheEvictor.create(slates),
        "slate-cache-evictor-" + java.util.UUID.randomUUID(),
        akka.actor.typed.Props.empty());
  }

  /** Returns the routes below {@code /v1}. */
  public Route routes() {
    return pathPrefix(
        "users",
        () ->
            pathPrefix(
                segment().map(EventParser::nfc),
                userId ->
                    concat(
                        pathEndOrSingleSlash(
                            () -> concat(get(() -> summary(userId)), delete(() -> forget(userId)))),
                        path(
                            "recommendations",
                            () ->
                                concat(
                                    get(() -> recommendations(userId)),
                                    post(() -> postRecommendations(userId)))),
                        path("stream", () -> get(() -> stream(userId))))));
  }

  /**
   * {@link RequestBody#answer} for a user's route: an error the user actor phrased with Carousel's
   * id {@code id} names the shop's {@code userId} instead.
   */
  private Route answer(scala.util.Try<HttpResponse> result, String userId, String id) {
    if (result.isSuccess() || !ids.pseudonymous()) {
      return body.answer(result);
    }
    Throwable t = result.failed().get();
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
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
    return body.withBodyRoute(
        (text, ndjson) -> {
          RecommendationRequest r;
          try {
            if (ndjson) {
              throw new EventParser.InvalidInput(null, "expected one JSON object, not NDJSON");
            }
            r = RecommendationRequest.parse(text);
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
          return onComplete(reply, t -> answer(t, userId, id));
        });
  }

  /** Validates the user id and {@code k} (400 naming the field), then continues with k. */
  private Route withUserAndK(String userId, Optional<String> kParam, IntFunction<Route> inner) {
    Optional<HttpResponse> invalid = validateUserId(userId);
    if (invalid.isPresent()) {
      return complete(invalid.get());
    }
    int k;
    try {
      k = QueryParams.intParam(kParam, "k", 10, 1, maxK);
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
    return reply.logged() ? response : response.addHeader(HttpHeader.parse(SLATE_LOGGED, "false"));
  }

  /**
   * When the user actor timed out (typically: the journal is down, so its {@code SlateServed}
   * cannot be persisted and the actor restarts), answers the user's last slate again, marked as not
   * logged; otherwise rethrows for {@link ErrorMapping}.
   */
  private HttpResponse cachedOrFail(
      String userId, String id, int k, List<String> exclude, Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    boolean timedOut =
        cause instanceof akka.pattern.AskTimeoutException
            || cause instanceof java.util.concurrent.TimeoutException;
    Optional<SlateResponse> cached = timedOut ? slates.get(id, k, exclude) : Optional.empty();
    if (cached.isEmpty()) {
      throw failure instanceof CompletionException ce ? ce : new CompletionException(failure);
    }
    return Json.response(200, cached.get().withUserId(userId))
        .addHeader(HttpHeader.parse(SLATE_LOGGED, "false"));
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
    return onComplete(reply, t -> answer(t, userId, id));
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
    return onComplete(reply, t -> answer(t, userId, id));
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
