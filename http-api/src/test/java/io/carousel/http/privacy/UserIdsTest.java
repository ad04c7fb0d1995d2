package io.carousel.http.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pseudonym: deterministic per key, distinct per key and id, a valid id, key checked. */
class UserIdsTest {
  @TempDir Path tmp;

  private static byte[] key(int fill) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) fill);
    return k;
  }

  @Test
  void pseudonymsAreDeterministicPerKeyAndDistinctAcrossIdsAndKeys() {
    UserIds a = UserIds.keyed(key(1));
    UserIds sameKey = UserIds.keyed(key(1));
    UserIds otherKey = UserIds.keyed(key(2));
    String p = a.internal("alice@shop.example");
    assertEquals(p, sameKey.internal("alice@shop.example"), "the same key on another node");
    assertNotEquals(p, otherKey.internal("alice@shop.example"));
    assertTrue(p.matches("p_[A-Za-z0-9_-]{22}"), p);
    assertFalse(p.contains("alice"));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      assertTrue(seen.add(a.internal("user-" + i)), "no collision among 10,000 ids");
    }
    // Known answer (recomputed independently with Python's hmac module), so a change of the
    // encoding cannot slip in unnoticed: it would start every user of a pseudonymous journal
    // afresh.
    assertEquals("p_8pD6nYhPkjObHCI_yFcHpA", UserIds.keyed(key(1)).internal("alice@shop.example"));
    assertSame(UserIds.RAW, UserIds.fromConfig(ConfigFactory.load()));
    assertEquals("alice", UserIds.RAW.internal("alice"));
  }

  @Test
  void theKeyFileMustExistAndHoldThirtyTwoBytesAndIsNeverQuoted() throws Exception {
    Path shortKey =
        Files.write(tmp.resolve("short.key"), "secret-but-short".getBytes(StandardCharsets.UTF_8));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                UserIds.fromConfig(
                    ConfigFactory.parseMap(
                            Map.of(
                                "carousel.privacy.pseudonymize-user-ids",
                                true,
                                "carousel.privacy.user-id-key-file",
                                shortKey.toString()))
                        .withFallback(ConfigFactory.load())));
    assertTrue(e.getMessage().contains(shortKey.toString()), e.getMessage());
    assertFalse(e.getMessage().contains("secret-but-short"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            UserIds.fromConfig(
                ConfigFactory.parseMap(Map.of("carousel.privacy.pseudonymize-user-ids", true))
                    .withFallback(ConfigFactory.load())),
        "on without a key file");
    Path good = Files.write(tmp.resolve("good.key"), key(7));
    UserIds ids =
        UserIds.fromConfig(
            ConfigFactory.parseMap(
                    Map.of(
                        "carousel.privacy.pseudonymize-user-ids",
                        true,
                        "carousel.privacy.user-id-key-file",
                        good.toString()))
                .withFallback(ConfigFactory.load()));
    assertEquals(UserIds.keyed(key(7)).internal("bob"), ids.internal("bob"));
  }
}
