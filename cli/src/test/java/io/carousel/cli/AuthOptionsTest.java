package io.carousel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code serve}'s access options: keys from the option or the environment, exposure refused. */
class AuthOptionsTest {
  @TempDir Path tmp;

  private static Config host(String host) {
    return ConfigFactory.parseMap(Map.of("carousel.http.host", host))
        .withFallback(ConfigFactory.load());
  }

  @Test
  void serveOrDemoWithoutKeysOnANonLoopbackHostExitsTwoWithOneLine() {
    for (String command : new String[] {"serve", "demo"}) {
      CommandLine cli = Main.commandLine();
      StringWriter err = new StringWriter();
      cli.setErr(new PrintWriter(err, true));
      int code =
          cli.execute(
              command,
              "--host",
              "0.0.0.0",
              "--port",
              "0",
              "--data-dir",
              tmp.resolve("d").toString());
      assertEquals(2, code, err.toString());
      assertEquals(
          "carousel: refusing to serve 0.0.0.0 without API keys: give --api-keys FILE (or"
              + " CAROUSEL_API_KEYS_FILE), or --insecure to serve every route open"
              + System.lineSeparator(),
          err.toString(),
          command);
    }
  }

  @Test
  void keysComeFromTheOptionElseTheEnvironmentAndInsecureAllowsAnOpenExposedHost()
      throws Exception {
    Path keys = Files.writeString(tmp.resolve("keys"), "env-key-0123456789abcdef read\n");
    AuthOptions fromEnv = new AuthOptions();
    fromEnv.env = Map.of(AuthOptions.KEYS_ENV, keys.toString());
    assertEquals(
        keys.toAbsolutePath().toString(),
        fromEnv.apply(host("0.0.0.0")).getString("carousel.http.auth.api-keys-file"));
    AuthOptions none = new AuthOptions();
    none.env = Map.of();
    assertThrows(IllegalArgumentException.class, () -> none.apply(host("0.0.0.0")));
    assertEquals("", none.apply(host("127.0.0.1")).getString("carousel.http.auth.api-keys-file"));
    assertEquals("", none.apply(host("localhost")).getString("carousel.http.auth.api-keys-file"));
    none.insecure = true;
    assertTrue(none.apply(host("0.0.0.0")).getBoolean("carousel.http.auth.insecure"));
  }

  @Test
  void aBadKeysFileFailsBeforeTrainingNamingTheLine() throws Exception {
    Path keys = Files.writeString(tmp.resolve("keys"), "a-key-that-is-long-enough nosuchscope\n");
    AuthOptions o = new AuthOptions();
    o.env = Map.of();
    o.apiKeys = keys;
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> o.apply(host("127.0.0.1")));
    assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    assertTrue(!e.getMessage().contains("a-key-that-is-long-enough"), e.getMessage());
  }

  @Test
  void userIdKeyFromTheOptionElseTheEnvironmentTurnsPseudonymsOnAndAShortKeyFailsAtOnce()
      throws Exception {
    Path key = Files.write(tmp.resolve("user-id.key"), new byte[32]);
    AuthOptions fromEnv = new AuthOptions();
    fromEnv.env = Map.of(io.carousel.http.privacy.UserIds.KEY_ENV, key.toString());
    Config c = fromEnv.apply(host("127.0.0.1"));
    assertTrue(c.getBoolean("carousel.privacy.pseudonymize-user-ids"));
    assertEquals(key.toAbsolutePath().toString(), c.getString("carousel.privacy.user-id-key-file"));
    AuthOptions none = new AuthOptions();
    none.env = Map.of();
    assertEquals(
        false, none.apply(host("127.0.0.1")).getBoolean("carousel.privacy.pseudonymize-user-ids"));
    AuthOptions shortKey = new AuthOptions();
    shortKey.env = Map.of();
    shortKey.userIdKey = Files.write(tmp.resolve("short.key"), new byte[8]);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> shortKey.apply(host("127.0.0.1")));
    assertTrue(
        e.getMessage().contains("short.key") && e.getMessage().contains("32 bytes"),
        e.getMessage());
  }
}
