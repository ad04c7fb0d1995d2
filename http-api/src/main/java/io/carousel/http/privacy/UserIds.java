package io.carousel.http.privacy;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The id a shop's user id has inside Carousel: the id itself, or, with {@code
 * carousel.privacy.pseudonymize-user-ids}, a keyed pseudonym. Applied once, where an id crosses the
 * HTTP boundary (path, event body, NDJSON line), so that every user actor, its persistence id,
 * journal rows, snapshots, slate ids, logs, metrics, the slate cache and {@code ope --from-journal}
 * exports only ever hold the pseudonym; responses put the shop's id back (the route knows it).
 *
 * <p>Pseudonym: {@code "p_" + base64url(HMAC-SHA256(k, utf8(id))[0..16))}, 24 characters, where
 * {@code k = HMAC-SHA256(key file bytes, "carousel user id v1")}. Deterministic (every node with
 * the same key file gives the same pseudonym, so sharding and the journal agree across nodes and
 * restarts), 128 bits (no collision among billions of users), and only letters, digits, {@code -}
 * and {@code _}: a valid entity id, persistence id and id in a URL. Without the key a pseudonym
 * cannot be linked to a shop id, not even by trying every candidate id (which a plain hash would
 * allow). The key derivation keeps a file that is also used for something else (e.g. the token
 * secret) from giving the same MAC.
 */
public final class UserIds {
  /** Prefix of every pseudonym. */
  public static final String PREFIX = "p_";

  /** The environment variable naming the key file when {@code --user-id-key} is not given. */
  public static final String KEY_ENV = "CAROUSEL_USER_ID_KEY_FILE";

  /** Shortest key file accepted, bytes. */
  public static final int MIN_KEY_BYTES = 32;

  /** Ids used as they are (the default). */
  public static final UserIds RAW = new UserIds(null, null);

  private final byte[] key;
  private final Path keyFile;
  private final ThreadLocal<Mac> macs;

  private UserIds(byte[] key, Path keyFile) {
    this.key = key;
    this.keyFile = keyFile;
    this.macs = key == null ? null : ThreadLocal.withInitial(this::newMac);
  }

  /**
   * Returns pseudonymous ids keyed by {@code keyBytes} (at least {@link #MIN_KEY_BYTES} bytes).
   *
   * @throws IllegalArgumentException when the key is shorter
   */
  public static UserIds keyed(byte[] keyBytes) {
    return keyed(keyBytes, null);
  }

  private static UserIds keyed(byte[] keyBytes, Path file) {
    if (keyBytes.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "the user id key"
              + (file == null ? "" : " in " + file)
              + " must hold at least "
              + MIN_KEY_BYTES
              + " bytes (e.g. head -c 32 /dev/urandom > FILE), got "
              + keyBytes.length);
    }
    try {
      Mac derive = Mac.getInstance("HmacSHA256");
      derive.init(new SecretKeySpec(keyBytes, "HmacSHA256"));
      byte[] k = derive.doFinal("carousel user id v1".getBytes(StandardCharsets.UTF_8));
      return new UserIds(k, file);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /**
   * Reads {@code carousel.privacy}: {@link #RAW} unless {@code pseudonymize-user-ids} is on, then
   * keyed by the bytes of {@code user-id-key-file}.
   *
   * @throws IllegalArgumentException (one line to show, naming the file, never the key) when the
   *     option is on without a readable key file of at least 32 bytes
   */
  public static UserIds fromConfig(Config config) {
    Config c = config.getConfig("carousel.privacy");
    if (!c.getBoolean("pseudonymize-user-ids")) {
      return RAW;
    }
    String file = c.getString("user-id-key-file");
    if (file.isBlank()) {
      throw new IllegalArgumentException(
          "carousel.privacy.pseudonymize-user-ids is on but no key is given: --user-id-key FILE"
              + " (or $"
              + KEY_ENV
              + "), the same file on every node");
    }
    Path path = Path.of(file);
    try {
      return keyed(Files.readAllBytes(path), path);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the user id key file " + path + ": " + e);
    }
  }

  /** Returns whether ids are pseudonymized. */
  public boolean pseudonymous() {
    return key != null;
  }

  /** Returns the key file, when pseudonymous and read from a file. */
  public Optional<Path> keyFile() {
    return Optional.ofNullable(keyFile);
  }

  /**
   * Returns Carousel's id of the shop's (validated, NFC) user id {@code shopId}: the id itself, or
   * its pseudonym.
   */
  public String internal(String shopId) {
    if (key == null) {
      return shopId;
    }
    byte[] mac = macs.get().doFinal(shopId.getBytes(StandardCharsets.UTF_8));
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(mac, 16));
  }

  /**
   * Returns {@code text} with every occurrence of {@code internal(shopId)} replaced by {@code
   * shopId}: an answer (an error detail, a slate id) that a user actor phrased with the id it knows
   * goes back to the shop in the shop's words.
   */
  public String external(String text, String shopId, String internalId) {
    if (key == null || text == null || internalId.equals(shopId)) {
      return text;
    }
    return text.replace(internalId, shopId);
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  @Override
  public String toString() {
    return key == null ? "raw user ids" : "pseudonymous user ids (HMAC-SHA256)";
  }
}
