package io.carousel.http.slates;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The WebSocket streams this node admits: at most {@code maxPerNode} in all and {@code maxPerUser}
 * for one user. Checked before the upgrade, so a refused client gets 429 (its user is full) or 503
 * (the node is full) as a problem+json, never an upgraded socket. Thread-safe.
 *
 * <p>A {@link Permit} is taken before the upgrade and released when the stream ends; a permit whose
 * stream never started (the client went away between the answer and the switch) is released by
 * {@link Permit#releaseUnlessStarted()}, which the route schedules, so capacity cannot leak.
 */
final class StreamLimits {
  private final int maxPerNode;
  private final int maxPerUser;
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentHashMap<String, AtomicInteger> perUser = new ConcurrentHashMap<>();

  StreamLimits(int maxPerNode, int maxPerUser) {
    this.maxPerNode = maxPerNode;
    this.maxPerUser = maxPerUser;
  }

  /** A held place for one stream; release is idempotent. */
  final class Permit {
    private final String userId;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();

    private Permit(String userId) {
      this.userId = userId;
    }

    /** Marks the stream as running (its flow was materialized). */
    void started() {
      started.set(true);
    }

    /** Gives the place back. */
    void release() {
      if (released.compareAndSet(false, true)) {
        open.decrementAndGet();
        perUser.computeIfPresent(userId, (u, n) -> n.decrementAndGet() <= 0 ? null : n);
      }
    }

    /** Gives the place back if the stream never started. */
    void releaseUnlessStarted() {
      if (!started.get()) {
        release();
      }
    }
  }

  /** Why a stream was refused: the HTTP status and the problem's detail. */
  record Refusal(int status, String detail) {}

  /**
   * Takes a place for a stream of {@code userId}; returns the permit, or the refusal as {@code
   * Refusal} when the user or the node is full.
   */
  Object acquire(String userId) {
    if (open.incrementAndGet() > maxPerNode) {
      open.decrementAndGet();
      return new Refusal(
          503,
          "this node serves "
              + maxPerNode
              + " streams already (carousel.http.stream.max-per-node); retry later or elsewhere");
    }
    boolean[] admitted = {false};
    perUser.compute(
        userId,
        (u, n) -> {
          AtomicInteger count = n == null ? new AtomicInteger() : n;
          if (count.get() < maxPerUser) {
            count.incrementAndGet();
            admitted[0] = true;
          }
          return count.get() == 0 ? null : count;
        });
    if (!admitted[0]) {
      open.decrementAndGet();
      return new Refusal(
          429,
          "this user has "
              + maxPerUser
              + " streams on this node already (carousel.http.stream.max-per-user);"
              + " close one and retry");
    }
    return new Permit(userId);
  }

  /** Returns the number of streams held on this node. */
  int open() {
    return open.get();
  }
}
