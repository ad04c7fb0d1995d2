package io.carousel.http;

import com.typesafe.config.ConfigFactory;
import io.carousel.http.auth.Authorizer;
import io.carousel.http.auth.ShopperTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A {@link TestNode} with API keys (one per scope, and one with two scopes), a token secret file
 * and a clock the test moves: the server of the security tests.
 */
final class SecuredNode implements AutoCloseable {
  static final String ADMIN = "admin-key-7f3a9c1e5b2d4068";
  static final String READ = "read-key-2b8e6d0f4a1c9357";
  static final String INGEST = "ingest-key-5c1f9a7e3d2b8064";
  static final String READ_INGEST = "read-ingest-key-9e4c2a6f8b0d1357";

  /** Each key and its scopes as written in the keys file. */
  static final Map<String, String> KEYS =
      Map.of(ADMIN, "admin", READ, "read", INGEST, "ingest", READ_INGEST, "read,ingest");

  /** Rotation and maximum TTL of the node's tokens. */
  static final Duration ROTATION = Duration.ofHours(1);

  static final Duration MAX_TTL = Duration.ofHours(1);

  /** Ten minutes before a rotation: where every test starts the clock. */
  static final Instant START = Instant.parse("2026-01-01T09:50:00Z");

  final HttpClient http = HttpClient.newHttpClient();
  final MutableClock clock = new MutableClock(START);
  final byte[] seed;
  final Path keysFile;
  final TestNode node;

  SecuredNode(Path dir) throws Exception {
    this(dir, Map.of());
  }

  /** A secured node with {@code extra} settings (e.g. CORS origins) over the test ones. */
  SecuredNode(Path dir, Map<String, Object> extra) throws Exception {
    this(dir, extra, "");
  }

  /** A secured node with {@code extra} auth settings and {@code overrides} (HOCON) of the node. */
  SecuredNode(Path dir, Map<String, Object> extra, String overrides) throws Exception {
    StringBuilder keys = new StringBuilder("# test keys\n\n");
    KEYS.forEach((k, s) -> keys.append(k).append(' ').append(s).append('\n'));
    keysFile = Files.writeString(dir.resolve("api-keys"), keys.toString());
    seed = "a test seed of at least thirty-two bytes!".getBytes(StandardCharsets.US_ASCII);
    Path secret = Files.write(dir.resolve("token-secret"), seed);
    node =
        new TestNode(
            overrides,
            (config, settings) ->
                Authorizer.fromConfig(
                    ConfigFactory.parseMap(extra)
                        .withFallback(
                            ConfigFactory.parseMap(
                                Map.of(
                                    "carousel.http.auth.api-keys-file",
                                    keysFile.toString(),
                                    "carousel.http.auth.token-secret-file",
                                    secret.toString(),
                                    "carousel.http.auth.token-rotation",
                                    "1h",
                                    "carousel.http.auth.token-max-ttl",
                                    "1h")))
                        .withFallback(config),
                    CarouselRoutes.ROUTE_TABLE,
                    settings.maxBodyBytes(),
                    clock));
  }

  String base() {
    return node.base();
  }

  /** Tokens signed as this node signs them, by a clock and maximum TTL of the test's choosing. */
  ShopperTokens signer(Clock at, Duration maxTtl) {
    return new ShopperTokens(seed, at, ROTATION, maxTtl);
  }

  /** A token for {@code user} issued by the node's own {@code POST /v1/tokens}. */
  String token(String user, long ttlSeconds) throws Exception {
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(URI.create(base() + "/v1/tokens"))
                .header("Authorization", "Bearer " + INGEST)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"userId\":\"" + user + "\",\"ttlSeconds\":" + ttlSeconds + "}")));
    if (r.statusCode() != 200) {
      throw new AssertionError("token for " + user + ": " + r.statusCode() + " " + r.body());
    }
    return Json.MAPPER.readTree(r.body()).get("token").asText();
  }

  HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The user's event count, read with the admin key. */
  long eventCount(String user) throws Exception {
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(URI.create(base() + "/v1/users/" + user))
                .header("Authorization", "Bearer " + ADMIN));
    if (r.statusCode() != 200) {
      throw new AssertionError("summary of " + user + ": " + r.statusCode() + " " + r.body());
    }
    return Json.MAPPER.readTree(r.body()).get("eventCount").asLong();
  }

  /** The catalogue as listed with the admin key (what item routes could change). */
  String catalogue() throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base() + "/v1/items?limit=1000"))
            .header("Authorization", "Bearer " + ADMIN))
        .body();
  }

  @Override
  public void close() {
    node.close();
  }
}
