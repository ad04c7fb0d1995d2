package io.carousel.http.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code serve} and {@code demo} print about the {@code /demo} page, with and without keys.
 */
class DemoLinksTest {
  @TempDir Path dir;

  @Test
  void withoutKeysThePageUrlAlone() {
    assertEquals(
        List.of("demo page: http://127.0.0.1:18700/demo"),
        DemoLinks.lines(ConfigFactory.load(), "127.0.0.1", 18700));
  }

  @Test
  void withKeysTheCurlThatMintsATokenAndThePageUrlThatTakesIt() throws Exception {
    Path keys =
        Files.writeString(dir.resolve("keys.txt"), "k-shop-backend-5c1f9a7e3d2b8064 ingest\n");
    var config =
        ConfigFactory.parseMap(Map.of("carousel.http.auth.api-keys-file", keys.toString()))
            .withFallback(ConfigFactory.load());
    List<String> lines = DemoLinks.lines(config, "127.0.0.1", 18701);
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(
        lines.get(0).startsWith("demo page: http://127.0.0.1:18701/demo?token=TOKEN"),
        lines.get(0));
    assertTrue(
        lines.get(1).contains("-d '{\"userId\":\"alice\",\"ttlSeconds\":900}'")
            && lines.get(1).endsWith("http://127.0.0.1:18701/v1/tokens")
            && lines.get(1).contains("Authorization: Bearer <ingest key>"),
        lines.get(1));
    // The key itself is never printed.
    assertTrue(lines.stream().noneMatch(l -> l.contains("5c1f9a7e")), lines.toString());
  }
}
