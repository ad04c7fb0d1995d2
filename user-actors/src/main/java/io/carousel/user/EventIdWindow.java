package io.carousel.user;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The idempotency window of one user: 64-bit fingerprints of the most recent event ids, oldest
 * first, as a plain {@code long[≤ window]} (8 bytes per id instead of a String of ~80 bytes for a
 * UUID). Immutable: {@link #with} returns a new array.
 *
 * <p>Fingerprint: the first 8 bytes of SHA-256 of the id's UTF-8 bytes. A fresh id is wrongly taken
 * for a repeat only if its fingerprint equals one of the {@code w} in the window: probability ≤
 * {@code w / 2^64} (1.4e-17 per event at w = 256), and a cryptographic hash makes such a collision
 * infeasible to construct on purpose.
 */
public final class EventIdWindow {
  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("the JDK always provides SHA-256", e);
            }
          });

  private EventIdWindow() {}

  /** Returns the 64-bit fingerprint of {@code eventId}. */
  public static long fingerprint(String eventId) {
    byte[] d = SHA_256.get().digest(eventId.getBytes(StandardCharsets.UTF_8));
    long h = 0;
    for (int i = 0; i < Long.BYTES; i++) {
      h = (h << 8) | (d[i] & 0xFF);
    }
    return h;
  }

  /** Returns whether {@code window} holds the fingerprint of {@code eventId}. */
  static boolean contains(long[] window, String eventId) {
    long f = fingerprint(eventId);
    for (long h : window) {
      if (h == f) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns {@code window} with the fingerprint of {@code eventId} appended, dropping the oldest so
   * that at most {@code max} remain.
   *
   * @throws IllegalArgumentException if {@code max} is not positive
   */
  static long[] with(long[] window, String eventId, int max) {
    if (max <= 0) {
      throw new IllegalArgumentException("idempotency window must be positive: " + max);
    }
    int keep = Math.min(window.length, max - 1);
    long[] out = Arrays.copyOfRange(window, window.length - keep, window.length + 1);
    out[keep] = fingerprint(eventId);
    return out;
  }
}
