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

  private record Entry(byte[] hash, Set<Scope> scopes) {}

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
    byte[] hash = sha256(presented);
    Set<Scope> found = null;
    for (Entry e : entries()) {
      if (MessageDigest.isEqual(hash, e.hash) && found == null) {
        found = e.scopes;
      }
    }
    return Optional.ofNullable(found);
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
      out.add(new Entry(hash, Set.copyOf(scopes)));
    }
    return List.copyOf(out);
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JVM", e);
    }
  }
}
