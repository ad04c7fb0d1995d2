package io.carousel.http.auth;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * HTTPS from a PKCS12 keystore ({@code carousel.http.tls}): the keystore's key and certificate
 * chain, its password read from a file or the environment variable {@value #PASSWORD_ENV} (never
 * from the command line, where {@code ps} would show it).
 */
public final class Tls {
  /** The environment variable holding the keystore password when no password file is given. */
  public static final String PASSWORD_ENV = "CAROUSEL_TLS_KEYSTORE_PASSWORD";

  private Tls() {}

  /**
   * Returns the TLS context of {@code carousel.http.tls.keystore}, or empty when it is not set.
   *
   * @throws IllegalArgumentException when the keystore or password cannot be read, or the password
   *     does not open it
   */
  public static Optional<SSLContext> fromConfig(Config config, Map<String, String> env) {
    Config c = config.getConfig("carousel.http.tls");
    String keystore = c.getString("keystore");
    if (keystore.isBlank()) {
      return Optional.empty();
    }
    String passwordFile = c.getString("password-file");
    char[] password;
    if (!passwordFile.isBlank()) {
      try {
        password =
            Files.readString(Path.of(passwordFile), StandardCharsets.UTF_8).strip().toCharArray();
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read the TLS password file " + passwordFile, e);
      }
    } else if (env.get(PASSWORD_ENV) != null) {
      password = env.get(PASSWORD_ENV).toCharArray();
    } else {
      throw new IllegalArgumentException(
          "--tls-keystore needs its password: --tls-password-file FILE or $" + PASSWORD_ENV);
    }
    return Optional.of(sslContext(Path.of(keystore), password));
  }

  /** Returns a TLS server context holding the PKCS12 keystore's key. */
  public static SSLContext sslContext(Path keystore, char[] password) {
    try (InputStream in = Files.newInputStream(keystore)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, password);
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, password);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      // The message names the file, not the password.
      throw new IllegalArgumentException(
          "cannot open the PKCS12 keystore " + keystore + ": " + e.getMessage(), e);
    }
  }
}
