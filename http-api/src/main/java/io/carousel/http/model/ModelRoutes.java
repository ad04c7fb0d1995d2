package io.carousel.http.model;

import static akka.http.javadsl.server.PathMatchers.segment;

import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import io.carousel.http.Json;
import io.carousel.http.Problem;
import java.util.Map;

/**
 * {@code GET /v1/model}, {@code POST /v1/model/retrain} and {@code POST /v1/model/rollback} (admin,
 * io.carousel.http.auth.RouteAccess): the registry's state and decisions, a background retrain (202
 * with its id; 409 while one runs) and a rollback to the previous promoted version (409 when there
 * is none, or its folder fails its checksums).
 */
public final class ModelRoutes extends AllDirectives {
  private final ModelService service;

  public ModelRoutes(ModelService service) {
    this.service = service;
  }

  /** Returns the model routes, below {@code /v1}. */
  public Route routes() {
    return concat(
        path("model", () -> get(() -> answer(() -> Json.response(200, service.status())))),
        path(
            segment("model").slash("retrain"),
            () ->
                post(
                    () ->
                        answer(
                            () -> {
                              ModelService.Retrain r = service.start();
                              return Json.response(
                                  202,
                                  Map.of(
                                      "retrainId", r.id(),
                                      "state", r.state(),
                                      "startedAt", r.startedAt(),
                                      "servingVersion", service.servingVersion()));
                            }))),
        path(
            segment("model").slash("rollback"),
            () -> post(() -> answer(() -> Json.response(200, service.rollback())))),
        path(
            segment("model").slash("challenger"),
            () ->
                post(
                    () ->
                        entity(
                            akka.http.javadsl.unmarshalling.Unmarshaller.entityToString(),
                            body -> {
                              String version = versionOf(body);
                              if (version == null) {
                                return complete(
                                    Json.problem(
                                        Problem.of(
                                            400,
                                            "Bad Request",
                                            "version",
                                            "the body must be a JSON object with a version name,"
                                                + " e.g. {\"version\": \"v3\"}")));
                              }
                              return answer(
                                  () -> Json.response(200, service.startChallenger(version)));
                            }))));
  }

  /** Returns the body's {@code version} string, or null when the body is not such an object. */
  private static String versionOf(String body) {
    try {
      com.fasterxml.jackson.databind.JsonNode n = Json.MAPPER.readTree(body);
      return n != null && n.path("version").isTextual() && !n.path("version").asText().isBlank()
          ? n.path("version").asText()
          : null;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private Route answer(java.util.function.Supplier<akka.http.javadsl.model.HttpResponse> action) {
    // Small files (decisions.json, current, a checksum pass over one folder): answered in place.
    try {
      return complete(action.get());
    } catch (ModelTrainer.Conflict e) {
      return complete(Json.problem(Problem.of(409, "Conflict", null, e.getMessage())));
    } catch (IllegalStateException e) {
      return complete(Json.problem(Problem.of(503, "Service Unavailable", null, e.getMessage())));
    }
  }
}
