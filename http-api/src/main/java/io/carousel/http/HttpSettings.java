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
 */
public record HttpSettings(
    String host,
    int port,
    long maxBodyBytes,
    int maxK,
    Duration askTimeout,
    Duration futureTolerance,
    int slateCacheSize,
    Duration streamResubscribe) {

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
        c.getDuration("stream-resubscribe"));
  }
}
