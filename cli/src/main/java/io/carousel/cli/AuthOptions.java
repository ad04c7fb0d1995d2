package io.carousel.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.carousel.http.auth.ApiKeys;
import io.carousel.http.auth.AuthSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code serve}'s access options: {@code --api-keys FILE} (or env), {@code --insecure}, HTTPS
 * ({@code --tls-keystore}, {@code --tls-password-file}) and pseudonymous user ids ({@code
 * --user-id-key FILE}, or env).
 */
final class AuthOptions {
  /** The environment variable read when {@code --api-keys} is not given. */
  static final String KEYS_ENV = "CAROUSEL_API_KEYS_FILE";

  @Option(
      names = "--api-keys",
      paramLabel = "FILE",
      description =
          "API keys, one 'key scope[,scope]' per line (scopes: ingest, read, admin), reloaded on"
              + " change; default: $"
              + KEYS_ENV
              + ", else none (every route open, loopback only).")
  Path apiKeys;

  @Option(
      names = "--insecure",
      description = "Serve every route open on a non-loopback --host, without API keys.")
  boolean insecure;

  @Option(
      names = "--tls-keystore",
      paramLabel = "FILE",
      description =
          "Serve HTTPS with this PKCS12 keystore's key; its password from --tls-password-file or $"
              + io.carousel.http.auth.Tls.PASSWORD_ENV
              + ".")
  Path tlsKeystore;

  @Option(
      names = "--tls-password-file",
      paramLabel = "FILE",
      description = "File holding the keystore password (first line).")
  Path tlsPasswordFile;

  @Option(
      names = "--user-id-key",
      paramLabel = "FILE",
      description =
          "Pseudonymize user ids with HMAC-SHA256 under this key file (>= 32 bytes, the same on"
              + " every node): journal, snapshots, logs, metrics and exports never hold the shop's"
              + " ids; default: $"
              + io.carousel.http.privacy.UserIds.KEY_ENV
              + ", else off. An existing journal's users start afresh.")
  Path userIdKey;

  /** Where the environment is read; tests replace it. */
  Map<String, String> env = System.getenv();

  /**
   * Returns {@code config} with the options applied, after checking the keys file parses and that
   * an open server is not exposed beyond loopback.
   *
   * @throws IllegalArgumentException with the one line to show (exit 2)
   */
  Config apply(Config config) {
    Path file = apiKeys;
    String fromEnv = env.get(KEYS_ENV);
    if (file == null && fromEnv != null && !fromEnv.isBlank()) {
      file = Path.of(fromEnv.trim());
    }
    Map<String, Object> overrides = new HashMap<>();
    if (file != null) {
      overrides.put("carousel.http.auth.api-keys-file", file.toAbsolutePath().toString());
    }
    Path key = userIdKey;
    String keyFromEnv = env.get(io.carousel.http.privacy.UserIds.KEY_ENV);
    if (key == null && keyFromEnv != null && !keyFromEnv.isBlank()) {
      key = Path.of(keyFromEnv.trim());
    }
    if (key != null) {
      overrides.put("carousel.privacy.pseudonymize-user-ids", true);
      overrides.put("carousel.privacy.user-id-key-file", key.toAbsolutePath().toString());
    }
    if (insecure) {
      overrides.put("carousel.http.auth.insecure", true);
    }
    if (tlsKeystore != null) {
      overrides.put("carousel.http.tls.keystore", tlsKeystore.toAbsolutePath().toString());
    }
    if (tlsPasswordFile != null) {
      overrides.put("carousel.http.tls.password-file", tlsPasswordFile.toAbsolutePath().toString());
    }
    Config out = ConfigFactory.parseMap(overrides).withFallback(config);
    // Opens the keystore now: a wrong password fails before training, not after.
    io.carousel.http.auth.Tls.fromConfig(out, env);
    AuthSettings settings = AuthSettings.fromConfig(out);
    // Before a model is trained: a bad keys file or an exposed open port fails in a second.
    settings
        .apiKeysFile()
        .ifPresent(f -> ApiKeys.load(f, Clock.systemUTC(), settings.reloadCheck()));
    settings.checkExposure(out.getString("carousel.http.host"));
    // A missing or short user id key fails now too, naming the file (never the key).
    io.carousel.http.privacy.UserIds.fromConfig(out);
    return out;
  }
}
