package io.carousel.http.slates;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.ws.Message;
import akka.http.javadsl.model.ws.TextMessage;
import akka.http.javadsl.model.ws.WebSocketUpgrade;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import io.carousel.http.HttpSettings;
import io.carousel.http.Json;
import io.carousel.http.Problem;
import io.carousel.user.UserProfile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code GET /v1/users/{id}/stream}: the WebSocket of a user's slates. A stream is admitted before
 * the upgrade ({@link StreamLimits}: 429 when this user has {@code max-per-user} streams on this
 * node, 503 when the node has {@code max-per-node}); the user actor caps its subscribers across the
 * cluster too and closes an extra one with a final {@code {"closed": ...}} message.
 */
final class StreamRoute extends AllDirectives {
  /** How long a permit waits for its stream to start before it is given back. */
  private static final Duration START_GRACE = Duration.ofSeconds(30);

  private final ActorSystem<?> system;
  private final StreamLimits limits;
  private final Duration resubscribe;
  private final Function<String, EntityRef<UserProfile.Command>> users;
  private final io.carousel.http.privacy.UserIds ids;

  StreamRoute(
      ActorSystem<?> system,
      HttpSettings settings,
      Function<String, EntityRef<UserProfile.Command>> users,
      io.carousel.http.privacy.UserIds ids) {
    this.system = system;
    this.limits = new StreamLimits(settings.streamMaxPerNode(), settings.streamMaxPerUser());
    this.resubscribe = settings.streamResubscribe();
    this.users = users;
    this.ids = ids;
  }

  /** The stream of {@code userId}'s slates of {@code k} items (both already validated). */
  Route stream(String userId, int k) {
    return extractWebSocketUpgrade(upgrade -> admit(userId, ids.internal(userId), k, upgrade));
  }

  /** Admits a stream of the shop's {@code userId}, Carousel's {@code id}. */
  private Route admit(String userId, String id, int k, WebSocketUpgrade upgrade) {
    Object held = limits.acquire(id);
    if (held instanceof StreamLimits.Refusal r) {
      return complete(
          Json.problem(
                  Problem.of(
                      r.status(),
                      r.status() == 429 ? "Too Many Requests" : "Service Unavailable",
                      null,
                      r.detail()))
              .addHeader(HttpHeader.parse("Retry-After", "5")));
    }
    StreamLimits.Permit permit = (StreamLimits.Permit) held;
    system
        .scheduler()
        .scheduleOnce(START_GRACE, permit::releaseUnlessStarted, system.executionContext());
    return complete(upgrade.handleMessagesWith(slateFlow(userId, id, k, permit)));
  }

  /**
   * One subscriber: incoming messages are ignored, outgoing ones are slates and possibly one final
   * closing message. Closing the socket stops the source actor, which the user actor watches and
   * forgets, and gives the permit back.
   */
  private Flow<Message, Message, NotUsed> slateFlow(
      String userId, String id, int k, StreamLimits.Permit permit) {
    Source<Message, NotUsed> out =
        SlateSubscription.following(users.apply(id), k, resubscribe).map(m -> text(m, userId));
    return Flow.fromSinkAndSourceCoupled(Sink.<Message>ignore(), out)
        .watchTermination(
            (mat, done) -> {
              permit.started();
              done.whenComplete((d, failure) -> permit.release());
              return mat;
            });
  }

  /**
   * A slate as its JSON, addressed to the shop's {@code userId}, or the closing message {@code
   * {"closed": code, "reason": text}}.
   */
  private static Message text(UserProfile.StreamMessage m, String userId) {
    Object body =
        m instanceof UserProfile.StreamClosed c
            ? Map.of("closed", c.code(), "reason", c.reason())
            : SlateResponse.of((UserProfile.SlateReply) m).withUserId(userId);
    return TextMessage.create(new String(Json.bytes(body), StandardCharsets.UTF_8));
  }

  /** Returns the number of streams held on this node. */
  int open() {
    return limits.open();
  }
}
