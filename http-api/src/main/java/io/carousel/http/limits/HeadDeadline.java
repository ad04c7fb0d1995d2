package io.carousel.http.limits;

import akka.actor.Cancellable;
import akka.actor.typed.ActorSystem;
import java.time.Duration;

/**
 * The slow-header (slowloris) deadline of one connection: a request's head must be parsed within
 * {@code timeout} of the connection's start or of the first byte that arrives while no request is
 * in flight. A client trickling its headers a byte at a time kept a connection (and a place under
 * {@code connections.max}) forever, since each byte reset the idle timeout.
 *
 * <p>States: waiting for a head (armed), a request in flight (head parsed, its response not yet
 * out: the body has its own deadline, {@code body-timeout}), idle between requests (armed again by
 * the next byte), upgraded (a WebSocket: never armed again). Bytes of a pipelined request that
 * arrive while one is in flight arm nothing; the next byte after the response does (the idle
 * timeout bounds the wait for it). Thread-safe: the byte side and the request side may run on
 * different threads.
 */
final class HeadDeadline {
  private enum State {
    WAITING,
    IN_REQUEST,
    IDLE,
    UPGRADED,
    EXPIRED
  }

  private final ActorSystem<?> system;
  private final Duration timeout;
  private final java.util.function.Consumer<Boolean> onExpiry;
  private State state = State.WAITING;
  private Cancellable timer;
  private long armed;
  private boolean partial;

  /**
   * Starts armed (the connection's first request).
   *
   * @param onExpiry what to do when a head is late, told whether part of one arrived (then answer
   *     408 and close; else, a connection that never said anything, just close)
   */
  HeadDeadline(
      ActorSystem<?> system, Duration timeout, java.util.function.Consumer<Boolean> onExpiry) {
    this.system = system;
    this.timeout = timeout;
    this.onExpiry = onExpiry;
    synchronized (this) {
      arm();
    }
  }

  /** Bytes arrived from the client. */
  synchronized void bytesIn() {
    if (state == State.IDLE) {
      state = State.WAITING;
      arm();
    }
    if (state == State.WAITING) {
      partial = true;
    }
  }

  /** A request's head was parsed. */
  synchronized void head() {
    if (state == State.WAITING || state == State.IDLE) {
      state = State.IN_REQUEST;
      disarm();
    }
  }

  /** A response went out; {@code upgraded}: it switched the connection to a WebSocket. */
  synchronized void responded(boolean upgraded) {
    if (state == State.EXPIRED) {
      return;
    }
    disarm();
    state = upgraded ? State.UPGRADED : State.IDLE;
  }

  /** The connection ended. */
  synchronized void closed() {
    disarm();
    state = State.EXPIRED;
  }

  private void arm() {
    partial = false;
    long generation = ++armed;
    timer =
        system
            .scheduler()
            .scheduleOnce(timeout, () -> expire(generation), system.executionContext());
  }

  private void disarm() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  private void expire(long generation) {
    boolean answer;
    synchronized (this) {
      if (state != State.WAITING || generation != armed) {
        return;
      }
      state = State.EXPIRED;
      timer = null;
      answer = partial;
    }
    onExpiry.accept(answer);
  }
}
