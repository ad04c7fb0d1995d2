package io.carousel.http.auth;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of the HTTP authentication, read once from {@code carousel.http.auth} (defaults and
 * units in the http-api {@code reference.conf}).
 *
 * @param apiKeysFile the keys file ({@code key scope[,scope]} per line); empty = no keys, every
 *     route open (allowed on a loopback host only, unless {@code insecure})
 * @param insecure serve without keys on a non-loopback host
 * @param reloadCheck how often the keys file's modification time and size are checked
 * @param metricsOpen whether {@code /metrics} is open (else it needs {@code admin})
 * @param tokenDefaultTtl a token's lifetime when {@code ttlSeconds} is not given
 * @param tokenMaxTtl the longest lifetime a token may be given; also how long the previous secret
 *     stays valid after a rotation
 * @param tokenRotation how often the token-signing secret changes (at least {@code tokenMaxTtl})
 * @param tokenSecretFile a file whose bytes seed the signing secrets, shared by every node; empty =
 *     a random seed per start (one node; its tokens die with it)
 * @param maxCredentialChars longest accepted credential (key or token); longer gets 401
 */
public record AuthSettings(
    Optional<Path> apiKeysFile,
    boolean insecure,
    Duration reloadCheck,
    boolean metricsOpen,
    Duration tokenDefaultTtl,
    Duration tokenMaxTtl,
    Duration tokenRotation,
    Optional<Path> tokenSecretFile,
    int maxCredentialChars) {

  /**
   * Reads {@code carousel.http.auth}.
   *
   * @throws IllegalArgumentException when a duration is not positive, the default TTL exceeds the
   *     maximum, or the rotation is shorter than the maximum TTL
   */
  public static AuthSettings fromConfig(Config config) {
    Config c = config.getConfig("carousel.http.auth");
    AuthSettings s =
        new AuthSettings(
            path(c.getString("api-keys-file")),
            c.getBoolean("insecure"),
            c.getDuration("reload-check"),
            c.getBoolean("metrics-open"),
            c.getDuration("token-default-ttl"),
            c.getDuration("token-max-ttl"),
            c.getDuration("token-rotation"),
            path(c.getString("token-secret-file")),
            c.getInt("max-credential-chars"));
    if (s.tokenMaxTtl.getSeconds() < 1 || s.tokenDefaultTtl.getSeconds() < 1) {
      throw new IllegalArgumentException("carousel.http.auth token TTLs must be at least 1 s");
    }
    if (s.tokenDefaultTtl.compareTo(s.tokenMaxTtl) > 0) {
      throw new IllegalArgumentException(
          "carousel.http.auth.token-default-ttl must not exceed token-max-ttl");
    }
    if (s.tokenRotation.compareTo(s.tokenMaxTtl) < 0) {
      // Else two rotations within one TTL would retire a secret whose tokens are still alive.
      throw new IllegalArgumentException(
          "carousel.http.auth.token-rotation must be at least token-max-ttl");
    }
    return s;
  }

  private static Optional<Path> path(String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(Path.of(s.trim()));
  }

  /**
   * Refuses an open server on a non-loopback host: without keys, anyone who reaches the port could
   * read every shopper's slates and delete users.
   *
   * @throws IllegalArgumentException with the one line to show, unless keys are configured, the
   *     host is a loopback address, or {@code insecure} is set
   */
  public void checkExposure(String host) {
    if (apiKeysFile.isPresent() || insecure || isLoopback(host)) {
      return;
    }
    throw new IllegalArgumentException(
        "refusing to serve "
            + host
            + " without API keys: give --api-keys FILE (or CAROUSEL_API_KEYS_FILE), or --insecure"
            + " to serve every route open");
  }

  static boolean isLoopback(String host) {
    try {
      return java.net.InetAddress.getByName(host).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }
}
