package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.server.Directives;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.carousel.http.auth.Tls;
import io.carousel.http.limits.ConnectionGate;
import io.carousel.http.node.CarouselServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS from a PKCS12 keystore, with a self-signed key generated here by the JDK's keytool. */
class TlsTest {
  @TempDir Path dir;
  static final String PASSWORD = "test-keystore-pw";

  private Path keystore() throws Exception {
    Path ks = dir.resolve("node.p12");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "node",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-storetype",
                "PKCS12",
                "-keystore",
                ks.toString(),
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
    return ks;
  }

  /** A client that trusts only the keystore's certificate. */
  private static HttpClient trusting(Path ks) throws Exception {
    KeyStore source = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      source.load(in, PASSWORD.toCharArray());
    }
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("node", source.getCertificate("node"));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ctx).build();
  }

  @Test
  void aNodeWithAKeystoreServesHttpsAndNotPlainHttp() throws Exception {
    Path ks = keystore();
    Path pw = Files.writeString(dir.resolve("pw"), PASSWORD + "\n");
    Config config =
        ConfigFactory.parseMap(
                Map.of(
                    "carousel.http.tls.keystore",
                    ks.toString(),
                    "carousel.http.tls.password-file",
                    pw.toString(),
                    "carousel.http.host",
                    "127.0.0.1",
                    "carousel.http.port",
                    0))
            .withFallback(ConfigFactory.load());
    ActorTestKit kit = ActorTestKit.create("tls", ConfigFactory.load());
    try {
      // As CarouselServer binds: the connection gate, with the keystore's TLS context.
      akka.stream.javadsl.Tcp.ServerBinding b =
          ConnectionGate.bind(
                  kit.system(),
                  "127.0.0.1",
                  0,
                  Directives.complete("ok").flow(kit.system()),
                  BodyText.serverSettings(kit.system()),
                  HttpSettings.fromConfig(config),
                  Tls.fromConfig(config, Map.of()))
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      int port = b.localAddress().getPort();
      HttpResponse<String> r =
          trusting(ks)
              .send(
                  HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertEquals("ok", r.body());
      assertTrue(CarouselServer.tls(config));
      assertThrows(
          IOException.class,
          () ->
              HttpClient.newHttpClient()
                  .send(
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                          .timeout(java.time.Duration.ofSeconds(5))
                          .build(),
                      HttpResponse.BodyHandlers.ofString()));
    } finally {
      kit.shutdownTestKit();
    }
  }

  @Test
  void aWrongOrMissingPasswordIsRefusedWithoutQuotingIt() throws Exception {
    Path ks = keystore();
    Config config =
        ConfigFactory.parseMap(Map.of("carousel.http.tls.keystore", ks.toString()))
            .withFallback(ConfigFactory.load());
    IllegalArgumentException wrong =
        assertThrows(
            IllegalArgumentException.class,
            () -> Tls.fromConfig(config, Map.of(Tls.PASSWORD_ENV, "not-" + PASSWORD)));
    assertTrue(wrong.getMessage().contains(ks.toString()), wrong.getMessage());
    assertFalse(wrong.getMessage().contains(PASSWORD), wrong.getMessage());
    IllegalArgumentException none =
        assertThrows(IllegalArgumentException.class, () -> Tls.fromConfig(config, Map.of()));
    assertTrue(none.getMessage().contains(Tls.PASSWORD_ENV), none.getMessage());
    assertTrue(Tls.fromConfig(config, Map.of(Tls.PASSWORD_ENV, PASSWORD)).isPresent());
  }
}
