package io.carousel.http.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API keys of a keys file, one {@code key scope[,scope]} per line ({@code #} starts a comment
 * line), reloaded when the file's modification time or size changes (checked at most once per
 * {@code reloadCheck}). Only SHA-256 hashes of the keys are kept; a lookup compares the hash of the
 * presented key with every entry in constant time, and no key is ever logged or put in a message.
 */
public final class ApiKeys {
  private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);

  /** Shortest accepted key, characters: shorter keys are guessable. */
  public static final int MIN_KEY_CHARS = 16;

  private record Entry(byte[] hash, Set<Scope> scopes, int length, long fingerprint) {}

  /** The modulus of the fingerprints, the Mersenne prime 2^61 − 1. */
  private static final long P = (1L << 61) - 1;

  /**
   * The base of the fingerprints, secret and random per JVM: an attacker who can time the query
   * scan learns nothing about a key from which windows' fingerprints collide.
   */
  private static final long BASE = 256 + new java.security.SecureRandom().nextLong(P - 512);

  /**
   * A key found in the file.
   *
   * @param id a stable, non-secret name of the key (the first 8 bytes of its SHA-256, hex), for its
   *     rate-limit bucket
   * @param scopes what it allows
   */
  public record Key(String id, Set<Scope> scopes) {}

  private record Stamp(long modifiedMs, long size) {}

  private final Path file;
  private final Clock clock;
  private final long reloadCheckMs;
  private volatile List<Entry> entries;
  private volatile long nextCheckMs;
  private Stamp stamp;

  private ApiKeys(Path file, Clock clock, Duration reloadCheck, List<Entry> entries, Stamp stamp) {
    this.file = file;
    this.clock = clock;
    this.reloadCheckMs = reloadCheck.toMillis();
    this.entries = entries;
    this.stamp = stamp;
    this.nextCheckMs = clock.millis() + reloadCheckMs;
  }

  /**
   * Reads the keys file.
   *
   * @throws IllegalArgumentException naming the file and line (never the key) when it cannot be
   *     read or a line is invalid
   */
  public static ApiKeys load(Path file, Clock clock, Duration reloadCheck) {
    Stamp stamp = stamp(file);
    return new ApiKeys(file, clock, reloadCheck, parse(file), stamp);
  }

  /** Returns the number of keys now in force. */
  public int size() {
    return entries().size();
  }

  /** Returns the keys file. */
  public Path file() {
    return file;
  }

  /**
   * Returns the scopes of {@code presented}, or empty when it is no key of the file. Every entry is
   * compared, in constant time, whatever matches.
   */
  public Optional<Set<Scope>> scopesOf(String presented) {
    return find(presented).map(Key::scopes);
  }

  /** As {@link #scopesOf}, with the key's non-secret id. */
  public Optional<Key> find(String presented) {
    byte[] hash = sha256(presented);
    Entry found = null;
    for (Entry e : entries()) {
      if (MessageDigest.isEqual(hash, e.hash) && found == null) {
        found = e;
      }
    }
    return found == null
        ? Optional.empty()
        : Optional.of(new Key(HexFormat.of().formatHex(found.hash, 0, 8), found.scopes));
  }

  private List<Entry> entries() {
    long now = clock.millis();
    if (now >= nextCheckMs) {
      reloadIfChanged(now);
    }
    return entries;
  }

  private synchronized void reloadIfChanged(long now) {
    if (now < nextCheckMs) {
      return;
    }
    nextCheckMs = now + reloadCheckMs;
    try {
      Stamp current = stamp(file);
      if (current.equals(stamp)) {
        return;
      }
      List<Entry> fresh = parse(file);
      entries = fresh;
      stamp = current;
      LOG.info("API keys reloaded from {}: {} keys", file, fresh.size());
    } catch (IllegalArgumentException e) {
      // Keep the keys in force: a half-written or mistyped file must not lock everyone out.
      LOG.warn("API keys not reloaded, the previous ones stay in force: {}", e.getMessage());
    }
  }

  private static Stamp stamp(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return new Stamp(a.lastModifiedTime().toMillis(), a.size());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the API keys file " + file + ": " + e, e);
    }
  }

  /** Parses the file; messages name the line number, never the key. */
  static List<Entry> parse(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the API keys file " + file + ": " + e, e);
    }
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = "API keys file " + file + " line " + (i + 1) + ": ";
      String[] parts = line.split("\\s+");
      if (parts.length != 2) {
        throw new IllegalArgumentException(where + "expected 'key scope[,scope]'");
      }
      String key = parts[0];
      if (key.length() < MIN_KEY_CHARS) {
        throw new IllegalArgumentException(
            where + "the key is shorter than " + MIN_KEY_CHARS + " characters");
      }
      if (key.startsWith(ShopperTokens.PREFIX) || !key.chars().allMatch(c -> c > 32 && c < 127)) {
        throw new IllegalArgumentException(
            where
                + "a key is printable ASCII without spaces and does not start with '"
                + ShopperTokens.PREFIX
                + "'");
      }
      Set<Scope> scopes = EnumSet.noneOf(Scope.class);
      for (String s : parts[1].split(",")) {
        try {
          scopes.add(Scope.parse(s.trim()));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(where + e.getMessage(), e);
        }
      }
      byte[] hash = sha256(key);
      for (Entry e : out) {
        if (MessageDigest.isEqual(e.hash, hash)) {
          throw new IllegalArgumentException(where + "the same key appears twice");
        }
      }
      out.add(new Entry(hash, Set.copyOf(scopes), key.length(), fingerprint(key, 0, key.length())));
    }
    return List.copyOf(out);
  }

  /**
   * Returns whether some key of the file occurs anywhere in {@code text} (as a substring, under any
   * parameter name or none). A Rabin–Karp scan per distinct key length over keyed 61-bit
   * fingerprints; a window whose fingerprint matches is confirmed by {@link #find} (SHA-256,
   * constant-time compare), so the keys themselves are not kept. Linear in {@code text}'s length
   * times the number of distinct key lengths.
   */
  public boolean occursIn(String text) {
    List<Entry> all = entries();
    if (text == null || text.isEmpty() || all.isEmpty()) {
      return false;
    }
    Fingerprints f = fingerprints;
    if (f == null || f.of != all) {
      java.util.Map<Integer, long[]> byLength = new java.util.HashMap<>();
      for (Entry e : all) {
        long[] fps = byLength.get(e.length);
        long[] grown = fps == null ? new long[1] : java.util.Arrays.copyOf(fps, fps.length + 1);
        grown[grown.length - 1] = e.fingerprint;
        byLength.put(e.length, grown);
      }
      f = new Fingerprints(all, java.util.Map.copyOf(byLength));
      fingerprints = f;
    }
    for (java.util.Map.Entry<Integer, long[]> lf : f.byLength.entrySet()) {
      int length = lf.getKey();
      if (text.length() < length) {
        continue;
      }
      long[] fps = lf.getValue();
      long top = 1;
      for (int i = 1; i < length; i++) {
        top = mulMod(top, BASE);
      }
      long h = fingerprint(text, 0, length);
      for (int start = 0; ; start++) {
        for (long fp : fps) {
          if (fp == h && find(text.substring(start, start + length)).isPresent()) {
            return true;
          }
        }
        int end = start + length;
        if (end >= text.length()) {
          break;
        }
        h = (h + P - mulMod(text.charAt(start), top)) % P;
        h = (mulMod(h, BASE) + text.charAt(end)) % P;
      }
    }
    return false;
  }

  /** The keys' fingerprints by key length, for the entries {@code of} (rebuilt on a reload). */
  private record Fingerprints(List<Entry> of, java.util.Map<Integer, long[]> byLength) {}

  private volatile Fingerprints fingerprints;

  private static long fingerprint(String s, int from, int to) {
    long h = 0;
    for (int i = from; i < to; i++) {
      h = (mulMod(h, BASE) + s.charAt(i)) % P;
    }
    return h;
  }

  /** Returns a × b mod 2^61 − 1, for a, b < 2^61 − 1. */
  private static long mulMod(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    // a·b = hi·2^64 + lo, and 2^64 ≡ 8, 2^61 ≡ 1 (mod P).
    long r = (lo & P) + (lo >>> 61) + (hi << 3);
    r = (r & P) + (r >>> 61);
    return r >= P ? r - P : r;
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JVM", e);
    }
  }
}
