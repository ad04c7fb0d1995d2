package io.carousel.http.ingest;

import static akka.http.javadsl.server.PathMatchers.segment;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import io.carousel.http.HttpSettings;
import io.carousel.http.Json;
import io.carousel.http.Problem;
import io.carousel.http.QueryParams;
import io.carousel.http.RequestBody;
import io.carousel.http.privacy.UserIds;
import io.carousel.user.ProfileDependencies;
import java.time.Clock;

/**
 * What the shop sends, under {@code /v1}: {@code POST /events} ({@link EventIngest}) and the live
 * catalogue {@code GET|PUT /items}, {@code GET|DELETE /items/{itemId}} ({@link ItemIngest}).
 */
public final class IngestRoutes extends AllDirectives {
  private final EventIngest events;
  private final ItemIngest items;
  private final RequestBody body;

  /**
   * @param ids maps each event's shop user id to Carousel's
   */
  public IngestRoutes(
      ActorSystem<?> system,
      ClusterSharding sharding,
      HttpSettings settings,
      ProfileDependencies deps,
      UserIds ids,
      RequestBody body) {
    this.events =
        new EventIngest(
            sharding, settings.askTimeout(), Clock.systemUTC(), settings.futureTolerance(), ids);
    this.items = new ItemIngest(system, settings.askTimeout(), deps.models());
    this.body = body;
  }

  /** Returns the routes below {@code /v1}. */
  public Route routes() {
    return concat(
        path("events", () -> post(() -> body.withBody(events::handle))),
        pathPrefix(
            "items",
            () ->
                concat(
                    pathEndOrSingleSlash(
                        () ->
                            concat(
                                put(() -> body.withBody((text, ndjson) -> items.upsert(text))),
                                get(this::listItems))),
                    path(
                        segment().map(EventParser::nfc),
                        itemId ->
                            concat(
                                get(() -> onComplete(items.get(itemId), body::answer)),
                                delete(() -> onComplete(items.delete(itemId), body::answer)))))));
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
}
