package io.carousel.http.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keys file: its format, its errors (which never quote a key) and its reload on change. */
class ApiKeysTest {
  @TempDir Path dir;
  static final String KEY = "k-0123456789abcdef-secret";
  final AtomicLong nowMs = new AtomicLong(1_000_000);
  final Clock clock =
      new Clock() {
        @Override
        public Instant instant() {
          return Instant.ofEpochMilli(nowMs.get());
        }

        @Override
        public java.time.ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }
      };

  private Path write(String text, long mtimeMs) throws Exception {
    Path f = Files.writeString(dir.resolve("keys"), text);
    Files.setLastModifiedTime(f, FileTime.fromMillis(mtimeMs));
    return f;
  }

  @Test
  void keysFileLinesGiveScopesAndCommentsAreSkipped() throws Exception {
    Path f = write("# ops\n\n" + KEY + " read,ingest\n  other-key-0123456789 admin  \n", 1000);
    ApiKeys keys = ApiKeys.load(f, clock, Duration.ofSeconds(2));
    assertEquals(2, keys.size());
    assertEquals(Optional.of(Set.of(Scope.READ, Scope.INGEST)), keys.scopesOf(KEY));
    assertEquals(Optional.of(Set.of(Scope.ADMIN)), keys.scopesOf("other-key-0123456789"));
    assertEquals(Optional.empty(), keys.scopesOf(KEY + "x"));
    assertEquals(Optional.empty(), keys.scopesOf(""));
  }

  @Test
  void anInvalidLineIsNamedByNumberWithoutQuotingTheKey() throws Exception {
    for (String line :
        new String[] {
          KEY + " reader", KEY, KEY + " read extra", "short read", "ct1." + KEY + " read"
        }) {
      Path f = write("# c\n" + line + "\n", 1000);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> ApiKeys.load(f, clock, Duration.ZERO));
      assertTrue(e.getMessage().contains("line 2"), e.getMessage());
      assertFalse(e.getMessage().contains(KEY), e.getMessage());
    }
    Path dup = write(KEY + " read\n" + KEY + " admin\n", 1000);
    assertThrows(IllegalArgumentException.class, () -> ApiKeys.load(dup, clock, Duration.ZERO));
  }

  @Test
  void aChangedFileIsReloadedAfterTheCheckIntervalAndABrokenOneKeepsThePreviousKeys()
      throws Exception {
    Path f = write(KEY + " read\n", 1000);
    ApiKeys keys = ApiKeys.load(f, clock, Duration.ofSeconds(2));
    write("new-key-0123456789abc admin\n", 5000);
    nowMs.addAndGet(1000);
    assertEquals(Optional.of(Set.of(Scope.READ)), keys.scopesOf(KEY), "before the next check");
    nowMs.addAndGet(1000);
    assertEquals(Optional.empty(), keys.scopesOf(KEY), "revoked by the reload");
    assertEquals(Optional.of(Set.of(Scope.ADMIN)), keys.scopesOf("new-key-0123456789abc"));
    write("new-key-0123456789abc superuser\n", 9000);
    nowMs.addAndGet(2000);
    assertEquals(Optional.of(Set.of(Scope.ADMIN)), keys.scopesOf("new-key-0123456789abc"), "kept");
  }

  @Test
  void aKeyIsFoundAnywhereInATextAndAfterAReloadOnlyTheKeysInForce() throws Exception {
    String other = "other-key-0123456789";
    Path f = write(KEY + " read\n" + other + " admin\n", 1000);
    ApiKeys keys = ApiKeys.load(f, clock, Duration.ofSeconds(2));
    assertTrue(keys.occursIn(KEY));
    assertTrue(keys.occursIn("a=1&q=xx" + KEY + "yy"));
    assertTrue(keys.occursIn("prefix" + other));
    assertFalse(keys.occursIn(KEY.substring(1)));
    assertFalse(keys.occursIn(KEY.substring(0, KEY.length() - 1) + "X"));
    assertFalse(keys.occursIn(""));
    assertFalse(keys.occursIn("k=10&exclude=a,b,c"));
    write(other + " admin\n", 5000);
    nowMs.addAndGet(3000);
    assertFalse(keys.occursIn("q=" + KEY), "a removed key is no longer looked for");
    assertTrue(keys.occursIn("q=" + other));
  }
}
