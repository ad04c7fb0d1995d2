package io.carousel.http;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Carousel server in its own JVM — {@code java -cp <test classpath> io.carousel.cli.Main serve
 * ...} — so a test can {@code kill -9} it ({@link Process#destroyForcibly()}) and start it again on
 * the same data. Output goes to a log file whose tail is shown when the node does not get ready.
 */
final class ChildNode implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final int port;
  private final Process process;
  private final Path log;

  private ChildNode(int port, Process process, Path log) {
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code serve --persistence <persistence>} on a free port and waits until {@code
   * /health/ready} answers 200.
   *
   * @param extraJvmArgs e.g. {@code -Dcarousel.cassandra.contact-point=...}
   * @throws IllegalStateException with the log tail when it exits or is not ready in 120 s
   */
  static ChildNode start(
      String persistence, Path dataDir, Path modelDir, Path log, List<String> extraJvmArgs)
      throws IOException, InterruptedException {
    int port = freePort();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.add("-Dakka.remote.artery.canonical.port=0");
    cmd.add("-Dakka.loglevel=WARNING");
    cmd.addAll(extraJvmArgs);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.carousel.cli.Main"));
    cmd.addAll(List.of("serve", "--persistence", persistence, "--host", "127.0.0.1"));
    cmd.addAll(List.of("--port", Integer.toString(port), "--data-dir", dataDir.toString()));
    cmd.addAll(List.of("--model", modelDir.toString()));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    ChildNode node = new ChildNode(port, p, log);
    node.awaitReady();
    return node;
  }

  private void awaitReady() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "child exited with " + process.exitValue() + " before ready:\n" + logTail());
      }
      try {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(base() + "/health/ready"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    process.destroyForcibly();
    throw new IllegalStateException("child not ready in " + READY_TIMEOUT + ":\n" + logTail());
  }

  /** Returns {@code http://127.0.0.1:<port>}. */
  String base() {
    return "http://127.0.0.1:" + port;
  }

  /** SIGKILL: no shutdown hook, no coordinated shutdown, no flush. Waits until it is gone. */
  void kill9() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** Returns the last 40 lines of the child's output. */
  String logTail() throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
