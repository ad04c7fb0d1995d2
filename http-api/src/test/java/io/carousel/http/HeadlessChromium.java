package io.carousel.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A headless Chromium (Debian's {@code chromium}) driven over the DevTools protocol: navigate,
 * evaluate JavaScript, take a screenshot. Only what the demo-page test needs; loopback only.
 */
final class HeadlessChromium implements AutoCloseable {
  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  private HeadlessChromium(Process process, Path profile, WebSocket socket) {
    this.process = process;
    this.profile = profile;
    this.socket = socket;
  }

  /** Returns the chromium binary when installed. */
  static Optional<Path> binary() {
    for (String p : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
      if (Files.isExecutable(Path.of(p))) {
        return Optional.of(Path.of(p));
      }
    }
    return Optional.empty();
  }

  /** Starts Chromium on about:blank and attaches to its page. */
  static HeadlessChromium start(Path binary) throws Exception {
    Path profile = Files.createTempDirectory("carousel-chromium");
    Process p =
        new ProcessBuilder(
                binary.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1280,900",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile,
                "about:blank")
            .redirectErrorStream(true)
            .redirectOutput(profile.resolve("chromium.log").toFile())
            .start();
    Path portFile = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
      if (System.nanoTime() > deadline || !p.isAlive()) {
        p.destroyForcibly();
        throw new IOException(
            "chromium did not start: " + Files.readString(profile.resolve("chromium.log")));
      }
      Thread.sleep(100);
    }
    int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
    HttpClient http = HttpClient.newHttpClient();
    JsonNode targets =
        Json.MAPPER.readTree(
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    String wsUrl = null;
    for (JsonNode t : targets) {
      if ("page".equals(t.path("type").asText())) {
        wsUrl = t.get("webSocketDebuggerUrl").asText();
        break;
      }
    }
    if (wsUrl == null) {
      p.destroyForcibly();
      throw new IOException("no page target in " + targets);
    }
    HeadlessChromium[] self = new HeadlessChromium[1];
    WebSocket ws =
        http.newWebSocketBuilder()
            .buildAsync(
                URI.create(wsUrl),
                new WebSocket.Listener() {
                  private final StringBuilder sb = new StringBuilder();

                  @Override
                  public CompletionStage<?> onText(WebSocket w, CharSequence d, boolean last) {
                    sb.append(d);
                    if (last) {
                      self[0].onMessage(sb.toString());
                      sb.setLength(0);
                    }
                    w.request(1);
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    self[0] = new HeadlessChromium(p, profile, ws);
    return self[0];
  }

  private void onMessage(String text) {
    try {
      JsonNode msg = Json.MAPPER.readTree(text);
      if (msg.has("id")) {
        CompletableFuture<JsonNode> f = pending.remove(msg.get("id").asInt());
        if (f != null) {
          f.complete(msg);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends one DevTools command and waits for its result. */
  JsonNode call(String method, Map<String, Object> params) throws Exception {
    int id = ids.incrementAndGet();
    ObjectNode cmd = Json.MAPPER.createObjectNode();
    cmd.put("id", id);
    cmd.put("method", method);
    cmd.set("params", Json.MAPPER.valueToTree(params));
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    pending.put(id, f);
    socket.sendText(Json.MAPPER.writeValueAsString(cmd), true).get(5, TimeUnit.SECONDS);
    JsonNode reply = f.get(20, TimeUnit.SECONDS);
    if (reply.has("error")) {
      throw new IllegalStateException(method + " failed: " + reply.get("error"));
    }
    return reply.get("result");
  }

  /** Opens {@code url}. */
  void navigate(String url) throws Exception {
    call("Page.navigate", Map.of("url", url));
  }

  /** Evaluates {@code js} in the page and returns its value (JSON). */
  JsonNode eval(String js) throws Exception {
    JsonNode r = call("Runtime.evaluate", Map.of("expression", js, "returnByValue", true));
    return r.path("result").path("value");
  }

  /** Polls {@code js} until it returns true or {@code timeout} passes; returns the last value. */
  boolean await(String js, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (eval(js).asBoolean(false)) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }

  /** Writes a PNG screenshot of the page to {@code file}. */
  void screenshot(Path file) throws Exception {
    JsonNode r = call("Page.captureScreenshot", Map.of("format", "png"));
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode(r.get("data").asText()));
  }

  @Override
  public void close() throws IOException {
    socket.abort();
    process.destroyForcibly();
    try (var files = Files.walk(profile)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
