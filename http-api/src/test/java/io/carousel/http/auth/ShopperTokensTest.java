package io.carousel.http.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Token signing: another seed, a changed field or a TTL out of bounds never verifies. */
class ShopperTokensTest {
  static final byte[] SEED = "0123456789abcdef0123456789abcdef".getBytes();
  static final Clock AT = Clock.fixed(Instant.parse("2026-01-01T09:50:00Z"), ZoneOffset.UTC);

  private static ShopperTokens tokens(byte[] seed) {
    return new ShopperTokens(seed, AT, Duration.ofHours(1), Duration.ofHours(1));
  }

  @Test
  void aTokenVerifiesOnlyUnchangedAndWithTheSameSeed() throws Exception {
    String t = tokens(SEED).issue("u-1", Duration.ofMinutes(5)).token();
    assertEquals("u-1", tokens(SEED).verify(t).userId());
    assertThrows(ShopperTokens.Invalid.class, () -> tokens("x".repeat(32).getBytes()).verify(t));
    String[] p = t.split("\\.");
    String later =
        String.join(".", p[0], p[1], Long.toString(Long.parseLong(p[2]) + 3600), p[3], p[4]);
    assertThrows(ShopperTokens.Invalid.class, () -> tokens(SEED).verify(later));
    assertThrows(ShopperTokens.Invalid.class, () -> tokens(SEED).verify(t + "A"));
    assertThrows(ShopperTokens.Invalid.class, () -> tokens(SEED).verify("ct1.x"));
  }

  @Test
  void aTtlOutsideOneSecondToTheMaximumIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> tokens(SEED).issue("u", Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class, () -> tokens(SEED).issue("u", Duration.ofSeconds(3601)));
    assertThrows(IllegalArgumentException.class, () -> tokens(new byte[16]));
  }
}
