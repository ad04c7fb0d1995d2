package io.carousel.http.ingest;

import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.http.javadsl.model.HttpResponse;
import io.carousel.http.ErrorMapping;
import io.carousel.http.Json;
import io.carousel.http.Problem;
import io.carousel.user.UserProfile;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

/**
 * {@code POST /v1/events}: validates a single JSON event or an NDJSON batch and sends each user's
 * valid events to that user's actor as one {@link UserProfile.RecordInteractions} (persisted
 * together, in line order), all users at once, so a batch answers within about one ask timeout.
 * Invalid lines are rejected one by one and the good lines persist.
 *
 * <p>Outcomes: 200 when every valid line is durable (or a duplicate). When a user's command times
 * out, its lines are {@code unknown} (maybe persisted) and the answer is 503 with the per-line
 * results, so the client knows which lines are durable; a retry of the whole batch is safe because
 * each event id has one effect ({@code docs/durability.md}, "Exactly-once ingestion").
 */
public final class EventIngest {
  /** Per-event result on the wire; absent parts are left out. */
  @com.fasterxml.jackson.annotation.JsonInclude(
      com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  record EventResult(Integer line, String eventId, String status, String field, String detail) {}

  /**
   * Result of a batch: counts and one result per non-blank line ({@code unknown}: the user actor
   * did not answer in time, so the line may or may not be persisted).
   */
  @com.fasterxml.jackson.annotation.JsonInclude(
      com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  record BatchResult(
      String type,
      String title,
      Integer status,
      String detail,
      int accepted,
      int duplicates,
      int rejected,
      int unknown,
      List<EventResult> results) {}

  /** Most event lines in one NDJSON batch (blank lines do not count). */
  public static final int MAX_BATCH_LINES = 1000;

  /**
   * Most estimated bytes of events in one command to one user: a user's lines travel in as few
   * commands as fit under Artery's 256 KiB frame, with room for the envelope (1,000 lines with UUID
   * event ids are one command; a 1 MiB body of one user is about 6).
   */
  static final int MAX_COMMAND_BYTES = 192 * 1024;

  static final String OUTCOME_UNKNOWN =
      "timed out; the outcome is unknown (the event may or may not be persisted); retrying with the"
          + " same eventId is safe: an event id has one effect however often it is sent";

  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final Clock clock;
  private final Duration futureTolerance;
  private final io.carousel.http.privacy.UserIds ids;

  /**
   * @param futureTolerance how far after {@code clock}'s now an event may be dated (clock skew)
   * @param ids maps each event's shop user id to Carousel's (the user actor's entity id)
   */
  EventIngest(
      ClusterSharding sharding,
      Duration askTimeout,
      Clock clock,
      Duration futureTolerance,
      io.carousel.http.privacy.UserIds ids) {
    this.sharding = sharding;
    this.askTimeout = askTimeout;
    this.clock = clock;
    this.futureTolerance = futureTolerance;
    this.ids = ids;
  }

  private long latestAcceptedMs() {
    return clock.millis() + futureTolerance.toMillis();
  }

  /** Returns the HTTP response for {@code body}; fails the stage only on an unexpected failure. */
  CompletionStage<HttpResponse> handle(String body, boolean ndjson) {
    if (!ndjson) {
      EventRequest e;
      try {
        e = EventParser.parse(body, latestAcceptedMs());
      } catch (EventParser.InvalidInput ex) {
        return CompletableFuture.completedFuture(problemFor(ex));
      }
      String id = ids.internal(e.userId());
      return record(id, List.of(e))
          .thenApply(
              r -> {
                UserProfile.Recorded one = r.results().get(0);
                return Json.response(
                    200,
                    new EventResult(
                        null,
                        one.eventId(),
                        one.duplicate() ? "duplicate" : "accepted",
                        null,
                        null));
              })
          .exceptionally(
              failure -> {
                if (timedOut(failure)) {
                  return Json.problem(
                      Problem.of(503, "Service Unavailable", null, OUTCOME_UNKNOWN));
                }
                if (rootCause(failure) instanceof akka.pattern.StatusReply.ErrorMessage m) {
                  // Phrased by the user actor with Carousel's id: answered in the shop's.
                  return ErrorMapping.fromFailure(
                      new akka.pattern.StatusReply.ErrorMessage(
                          ids.external(m.getMessage(), e.userId(), id)));
                }
                throw failure instanceof CompletionException ce
                    ? ce
                    : new CompletionException(failure);
              });
    }
    return handleBatch(body);
  }

  /**
   * Returns whether an NDJSON body split into {@code lines} holds more non-blank lines than the
   * cap.
   */
  static boolean overLineCap(String[] lines) {
    if (lines.length <= MAX_BATCH_LINES) {
      return false;
    }
    int n = 0;
    for (String line : lines) {
      if (!line.isBlank() && ++n > MAX_BATCH_LINES) {
        return true;
      }
    }
    return false;
  }

  /** Returns the 413 problem (field {@code body}) for an NDJSON body over the line cap. */
  static HttpResponse tooManyLines() {
    return Json.problem(
        Problem.of(
            413,
            "Payload Too Large",
            "body",
            "an NDJSON batch holds at most " + MAX_BATCH_LINES + " non-blank lines; split it"));
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
        // Grouped by Carousel's id: an actor's lines, whatever id the shop gave.
        linesByUser
            .computeIfAbsent(ids.internal(parsed[i].userId()), u -> new ArrayList<>())
            .add(i);
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
    List<CompletableFuture<Void>> users = new ArrayList<>();
    for (Map.Entry<String, List<Integer>> user : linesByUser.entrySet()) {
      users.add(recordUser(user.getKey(), chunks(user.getValue(), parsed), parsed, results, 0));
    }
    return CompletableFuture.allOf(users.toArray(CompletableFuture[]::new))
        .thenApply(v -> summarize(results));
  }

  /**
   * Sends {@code chunks} (line numbers) of one user from {@code index} on, one after the other so
   * the user sees its lines in order. A chunk that times out marks its lines {@code unknown}; the
   * chunks after it are not sent and marked {@code not_persisted}.
   */
  private CompletableFuture<Void> recordUser(
      String userId,
      List<List<Integer>> chunks,
      EventRequest[] parsed,
      EventResult[] results,
      int index) {
    if (index == chunks.size()) {
      return CompletableFuture.completedFuture(null);
    }
    List<Integer> chunk = chunks.get(index);
    List<EventRequest> events = chunk.stream().map(i -> parsed[i]).toList();
    return record(userId, events)
        .thenApply(
            r -> {
              for (int j = 0; j < chunk.size(); j++) {
                int i = chunk.get(j);
                UserProfile.Recorded one = r.results().get(j);
                results[i] =
                    new EventResult(
                        i + 1,
                        one.eventId(),
                        one.duplicate() ? "duplicate" : "accepted",
                        null,
                        null);
              }
              return true;
            })
        .exceptionally(
            failure -> {
              String detail =
                  timedOut(failure)
                      ? OUTCOME_UNKNOWN
                      : "the user actor failed ("
                          + ids.external(
                              rootCause(failure).getMessage(),
                              parsed[chunk.get(0)].userId(),
                              userId)
                          + "); retry";
              for (int i : chunk) {
                results[i] = new EventResult(i + 1, parsed[i].eventId(), "unknown", null, detail);
              }
              for (int later = index + 1; later < chunks.size(); later++) {
                for (int i : chunks.get(later)) {
                  results[i] =
                      new EventResult(
                          i + 1,
                          parsed[i].eventId(),
                          "not_persisted",
                          null,
                          "not sent: an earlier line of the same user timed out; retry");
                }
              }
              return false;
            })
        .toCompletableFuture()
        .thenCompose(
            ok ->
                ok
                    ? recordUser(userId, chunks, parsed, results, index + 1)
                    : CompletableFuture.completedFuture(null));
  }

  /** Returns one user's line numbers split into commands of at most {@link #MAX_COMMAND_BYTES}. */
  static List<List<Integer>> chunks(List<Integer> userLines, EventRequest[] parsed) {
    List<List<Integer>> out = new ArrayList<>();
    List<Integer> current = new ArrayList<>();
    int bytes = 0;
    for (int i : userLines) {
      int size = estimatedBytes(parsed[i]);
      if (!current.isEmpty() && bytes + size > MAX_COMMAND_BYTES) {
        out.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(i);
      bytes += size;
    }
    out.add(current);
    return out;
  }

  /** Upper bound of one interaction's CBOR size: its ids' UTF-8 bytes + 96 for keys and fields. */
  private static int estimatedBytes(EventRequest e) {
    return utf8Bytes(e.eventId()) + utf8Bytes(e.itemId()) + utf8Bytes(e.slateId()) + 96;
  }

  private static int utf8Bytes(String s) {
    if (s == null) {
      return 0;
    }
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      // A surrogate pair is 4 bytes in UTF-8: 2 per UTF-16 unit.
      n += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
    }
    return n;
  }

  private static HttpResponse summarize(EventResult[] results) {
    int accepted = 0;
    int duplicates = 0;
    int rejected = 0;
    int unknown = 0;
    List<EventResult> list = new ArrayList<>();
    for (EventResult r : results) {
      if (r == null) {
        continue;
      }
      list.add(r);
      switch (r.status()) {
        case "accepted" -> accepted++;
        case "duplicate" -> duplicates++;
        case "rejected" -> rejected++;
        default -> unknown++;
      }
    }
    if (unknown == 0) {
      return Json.response(
          200, new BatchResult(null, null, null, null, accepted, duplicates, rejected, 0, list));
    }
    BatchResult problem =
        new BatchResult(
            "https://carousel.dev/problems/batch-partly-unknown",
            "Service Unavailable",
            503,
            unknown
                + " line(s) have no known outcome (status unknown or not_persisted); lines"
                + " accepted or duplicate are durable. Retrying the whole batch is safe: an"
                + " event id has one effect however often it is sent",
            accepted,
            duplicates,
            rejected,
            unknown,
            list);
    return HttpResponse.create().withStatus(503).withEntity(Json.PROBLEM_JSON, Json.bytes(problem));
  }

  /** Sends {@code events} to the actor of Carousel's user id {@code userId}. */
  private CompletionStage<UserProfile.BatchRecorded> record(
      String userId, List<EventRequest> events) {
    List<UserProfile.Interaction> interactions =
        events.stream()
            .map(
                e ->
                    new UserProfile.Interaction(
                        e.eventId(), e.itemId(), e.type(), e.timestampMs(), e.slateId()))
            .toList();
    return sharding
        .entityRefFor(UserProfile.TYPE_KEY, userId)
        .askWithStatus(r -> new UserProfile.RecordInteractions(interactions, r), askTimeout);
  }

  private static Throwable rootCause(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }

  private static boolean timedOut(Throwable failure) {
    Throwable t = rootCause(failure);
    return t instanceof akka.pattern.AskTimeoutException || t instanceof TimeoutException;
  }

  private static HttpResponse problemFor(EventParser.InvalidInput ex) {
    if (ex.field() == null) {
      return Json.problem(Problem.of(400, "Bad Request", "body", ex.getMessage()));
    }
    return Json.problem(Problem.of(422, "Unprocessable Entity", ex.field(), ex.getMessage()));
  }
}
