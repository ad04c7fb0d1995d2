package io.carousel.http;

import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.http.javadsl.model.HttpResponse;
import io.carousel.user.UserProfile;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /v1/events}: validates a single JSON event or an NDJSON batch, sends each valid event
 * to its user actor and answers only when every accepted event is durable. A batch keeps each
 * user's events in line order; invalid lines are rejected one by one and the good lines persist.
 */
final class EventIngest {
  /** Per-event result on the wire; absent parts are left out. */
  @com.fasterxml.jackson.annotation.JsonInclude(
      com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  record EventResult(Integer line, String eventId, String status, String field, String detail) {}

  /** Result of a batch: counts and one result per non-blank line. */
  record BatchResult(int accepted, int duplicates, int rejected, List<EventResult> results) {}

  /** Most lines in one NDJSON batch (every line may address another user actor). */
  static final int MAX_BATCH_LINES = 1000;

  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final Clock clock;
  private final Duration futureTolerance;

  /**
   * @param futureTolerance how far after {@code clock}'s now an event may be dated (clock skew)
   */
  EventIngest(
      ClusterSharding sharding, Duration askTimeout, Clock clock, Duration futureTolerance) {
    this.sharding = sharding;
    this.askTimeout = askTimeout;
    this.clock = clock;
    this.futureTolerance = futureTolerance;
  }

  private long latestAcceptedMs() {
    return clock.millis() + futureTolerance.toMillis();
  }

  /** Returns the HTTP response for {@code body}; fails the stage only on an ask failure. */
  CompletionStage<HttpResponse> handle(String body, boolean ndjson) {
    if (!ndjson) {
      EventRequest e;
      try {
        e = EventParser.parse(body, latestAcceptedMs());
      } catch (EventParser.InvalidInput ex) {
        return CompletableFuture.completedFuture(problemFor(ex));
      }
      return record(e)
          .thenApply(
              r ->
                  Json.response(
                      200,
                      new EventResult(
                          null,
                          r.eventId(),
                          r.duplicate() ? "duplicate" : "accepted",
                          null,
                          null)));
    }
    return handleBatch(body);
  }

  /** Returns whether an NDJSON body split into {@code lines} holds more than the cap. */
  static boolean overLineCap(String[] lines) {
    return lines.length > MAX_BATCH_LINES + 1;
  }

  /** Returns the 413 problem (field {@code body}) for an NDJSON body over the line cap. */
  static HttpResponse tooManyLines() {
    return Json.problem(
        Problem.of(
            413,
            "Payload Too Large",
            "body",
            "an NDJSON batch holds at most " + MAX_BATCH_LINES + " lines; split it"));
  }

  private CompletionStage<HttpResponse> handleBatch(String body) {
    String[] lines = body.split("\r?\n", -1);
    if (overLineCap(lines)) {
      return CompletableFuture.completedFuture(tooManyLines());
    }
    EventResult[] results = new EventResult[lines.length];
    Map<String, List<Integer>> linesByUser = new LinkedHashMap<>();
    EventRequest[] parsed = new EventRequest[lines.length];
    List<Problem.LineError> errors = new ArrayList<>();
    long latest = latestAcceptedMs();
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      try {
        parsed[i] = EventParser.parse(lines[i], latest);
        linesByUser.computeIfAbsent(parsed[i].userId(), u -> new ArrayList<>()).add(i);
      } catch (EventParser.InvalidInput ex) {
        results[i] = new EventResult(i + 1, null, "rejected", ex.field(), ex.getMessage());
        errors.add(new Problem.LineError(i + 1, ex.field(), ex.getMessage()));
      }
    }
    if (linesByUser.isEmpty()) {
      Problem p =
          errors.isEmpty()
              ? Problem.of(400, "Bad Request", "body", "the NDJSON batch has no event")
              : new Problem(
                  "https://carousel.dev/problems/invalid-events",
                  "Invalid Events",
                  422,
                  "no line of the batch is a valid event",
                  errors.get(0).field(),
                  errors);
      return CompletableFuture.completedFuture(Json.problem(p));
    }
    List<CompletableFuture<Void>> chains = new ArrayList<>();
    for (List<Integer> userLines : linesByUser.values()) {
      CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
      for (int i : userLines) {
        EventRequest e = parsed[i];
        chain =
            chain.thenCompose(
                v ->
                    record(e)
                        .thenAccept(
                            r ->
                                results[i] =
                                    new EventResult(
                                        i + 1,
                                        r.eventId(),
                                        r.duplicate() ? "duplicate" : "accepted",
                                        null,
                                        null))
                        .toCompletableFuture());
      }
      chains.add(chain);
    }
    return CompletableFuture.allOf(chains.toArray(CompletableFuture[]::new))
        .thenApply(v -> Json.response(200, summarize(results)));
  }

  private static BatchResult summarize(EventResult[] results) {
    int accepted = 0;
    int duplicates = 0;
    int rejected = 0;
    List<EventResult> list = new ArrayList<>();
    for (EventResult r : results) {
      if (r == null) {
        continue;
      }
      list.add(r);
      switch (r.status()) {
        case "accepted" -> accepted++;
        case "duplicate" -> duplicates++;
        default -> rejected++;
      }
    }
    return new BatchResult(accepted, duplicates, rejected, list);
  }

  private CompletionStage<UserProfile.Recorded> record(EventRequest e) {
    return sharding
        .entityRefFor(UserProfile.TYPE_KEY, e.userId())
        .askWithStatus(
            r ->
                new UserProfile.RecordInteraction(
                    e.eventId(), e.itemId(), e.type(), e.timestampMs(), e.slateId(), r),
            askTimeout);
  }

  private static HttpResponse problemFor(EventParser.InvalidInput ex) {
    if (ex.field() == null) {
      return Json.problem(Problem.of(400, "Bad Request", "body", ex.getMessage()));
    }
    return Json.problem(Problem.of(422, "Unprocessable Entity", ex.field(), ex.getMessage()));
  }
}
