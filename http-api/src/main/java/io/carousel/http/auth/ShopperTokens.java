package io.carousel.http.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, short-lived tokens that let one shopper's browser read that shopper's slates and stream
 * and send that shopper's events.
 *
 * <p>Format: {@code ct1.<epoch>.<expiresAt>.<base64url(userId)>.<base64url(mac)>}, where {@code
 * mac} is HMAC-SHA256 over everything before it, keyed by the secret of rotation {@code epoch}
 * (epoch = seconds since 1970 / rotation seconds). Each epoch's secret is HMAC-SHA256(seed, "epoch
 * " + n): every node with the same seed derives the same secrets, with no coordination. A token of
 * the previous epoch stays valid for one maximum TTL after the rotation; older epochs never.
 */
public final class ShopperTokens {
  /** Every token starts with this; API keys may not. */
  public static final String PREFIX = "ct1.";

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final byte[] seed;
  private final Clock clock;
  private final long rotationS;
  private final long maxTtlS;

  /** A token's content once verified. */
  public record Verified(String userId, Instant expiresAt) {}

  /** Why a token was refused (the detail of a 401). */
  public static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * @param seed the secret the epoch secrets derive from (at least 32 bytes)
   * @param rotation how often the signing secret changes
   * @param maxTtl the longest TTL; the previous secret stays valid this long after a rotation
   */
  public ShopperTokens(byte[] seed, Clock clock, Duration rotation, Duration maxTtl) {
    if (seed.length < 32) {
      throw new IllegalArgumentException("the token secret must hold at least 32 bytes");
    }
    this.seed = seed.clone();
    this.clock = clock;
    this.rotationS = rotation.getSeconds();
    this.maxTtlS = maxTtl.getSeconds();
  }

  /** Returns 32 random bytes: the seed of a node that was given no secret file. */
  public static byte[] randomSeed() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return b;
  }

  /** Returns the longest TTL a token may be given. */
  public Duration maxTtl() {
    return Duration.ofSeconds(maxTtlS);
  }

  /**
   * Issues a token for {@code userId}, valid for {@code ttl} (1 s to the maximum TTL).
   *
   * @return the token and when it expires
   */
  public Issued issue(String userId, Duration ttl) {
    long ttlS = ttl.getSeconds();
    if (ttlS < 1 || ttlS > maxTtlS) {
      throw new IllegalArgumentException("ttl must be in 1.." + maxTtlS + " seconds");
    }
    long now = clock.instant().getEpochSecond();
    long epoch = now / rotationS;
    long expires = now + ttlS;
    String body =
        PREFIX
            + epoch
            + "."
            + expires
            + "."
            + B64.encodeToString(userId.getBytes(StandardCharsets.UTF_8));
    return new Issued(
        body + "." + B64.encodeToString(mac(epoch, body)), Instant.ofEpochSecond(expires));
  }

  /** An issued token. */
  public record Issued(String token, Instant expiresAt) {}

  /**
   * Verifies {@code token}: its form, its signature (constant-time), its secret (this epoch's, or
   * the previous one's within one maximum TTL of the rotation) and its expiry.
   *
   * @throws Invalid saying which check failed (no secret material in the message)
   */
  public Verified verify(String token) throws Invalid {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 5 || !token.startsWith(PREFIX)) {
      throw new Invalid("malformed token");
    }
    long epoch;
    long expires;
    byte[] user;
    byte[] presented;
    try {
      epoch = Long.parseLong(parts[1]);
      expires = Long.parseLong(parts[2]);
      user = B64D.decode(parts[3]);
      presented = B64D.decode(parts[4]);
    } catch (IllegalArgumentException e) {
      throw new Invalid("malformed token");
    }
    long now = clock.instant().getEpochSecond();
    long current = now / rotationS;
    boolean previousStillValid = epoch == current - 1 && now < current * rotationS + maxTtlS;
    if (epoch != current && !previousStillValid) {
      throw new Invalid("token signed with a retired secret");
    }
    String body = token.substring(0, token.lastIndexOf('.'));
    if (!MessageDigest.isEqual(mac(epoch, body), presented)) {
      throw new Invalid("token signature does not match");
    }
    if (now >= expires) {
      throw new Invalid("token expired at " + Instant.ofEpochSecond(expires));
    }
    return new Verified(new String(user, StandardCharsets.UTF_8), Instant.ofEpochSecond(expires));
  }

  private byte[] mac(long epoch, String body) {
    try {
      Mac derive = Mac.getInstance("HmacSHA256");
      derive.init(new SecretKeySpec(seed, "HmacSHA256"));
      byte[] secret = derive.doFinal(("epoch " + epoch).getBytes(StandardCharsets.UTF_8));
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(secret, "HmacSHA256"));
      return m.doFinal(body.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 missing from the JVM", e);
    }
  }
}
