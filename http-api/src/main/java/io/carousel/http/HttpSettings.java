package io.carousel.http;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Settings of the HTTP layer, read once from {@code carousel.http} (defaults and units in this
 * module's {@code reference.conf}).
 *
 * @param host interface to bind
 * @param port port to bind (0 = any free port)
 * @param maxBodyBytes largest accepted request body, bytes (413 above)
 * @param maxK largest slate a client may ask for
 * @param askTimeout how long a request waits for a user actor (503 after)
 * @param futureTolerance how far in the future an event may be dated (422 beyond)
 * @param slateCacheSize last slates kept per node (one per user, LRU) to answer when the user actor
 *     cannot (journal down); 0 = off
 * @param streamResubscribe how often a WebSocket re-subscribes to its user, so the subscription
 *     follows the user's shard to another node (rebalance, node loss)
 * @param streamMaxPerNode most WebSocket streams this node holds (503 before the upgrade beyond)
 * @param streamMaxPerUser most WebSocket streams of one user on this node (429 beyond)
 * @param maxConnections most TCP connections this node serves; a connection beyond is answered 503
 *     at once and closed
 * @param incomingIdleTimeout a connection from which no byte arrives for this long is closed (a
 *     WebSocket peer that answers no ping, a client that never sends its request)
 * @param sendBufferBytes the kernel send buffer of each connection, bytes (0 = the OS default,
 *     which grows to megabytes); bounds what a client that stops reading has queued
 * @param headerTimeout longest time from a connection's start, or the first byte of a request, to
 *     the end of the request's head; then 408 and the connection is closed (slow headers)
 * @param bodyTimeout longest time a request's streamed body may take to arrive; then 408 and the
 *     connection is closed (slow bodies)
 * @param limits rate limits and the heap check (docs/security.md, "Abuse limits")
 */
public record HttpSettings(
    String host,
    int port,
    long maxBodyBytes,
    int maxK,
    Duration askTimeout,
    Duration futureTolerance,
    int slateCacheSize,
    Duration streamResubscribe,
    int streamMaxPerNode,
    int streamMaxPerUser,
    int maxConnections,
    Duration incomingIdleTimeout,
    int sendBufferBytes,
    Duration headerTimeout,
    Duration bodyTimeout,
    io.carousel.http.limits.LimitSettings limits) {

  /** Reads {@code carousel.http}; throws ConfigException when a key is missing or mistyped. */
  public static HttpSettings fromConfig(Config config) {
    Config c = config.getConfig("carousel.http");
    return new HttpSettings(
        c.getString("host"),
        c.getInt("port"),
        c.getBytes("max-body-bytes"),
        c.getInt("max-k"),
        c.getDuration("ask-timeout"),
        c.getDuration("future-tolerance"),
        c.getInt("slate-cache-size"),
        c.getDuration("stream-resubscribe"),
        c.getInt("stream.max-per-node"),
        c.getInt("stream.max-per-user"),
        c.getInt("connections.max"),
        c.getDuration("connections.incoming-idle-timeout"),
        (int) c.getBytes("connections.send-buffer-bytes").longValue(),
        c.getDuration("connections.header-timeout"),
        c.getDuration("connections.body-timeout"),
        io.carousel.http.limits.LimitSettings.fromConfig(config));
  }
}
