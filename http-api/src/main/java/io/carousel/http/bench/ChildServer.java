package io.carousel.http.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code carousel serve} in a child JVM on this JVM's class path, so a benchmark can stop it,
 * touch its data directory (the embedded journal is locked while it runs) and start it again.
 */
final class ChildServer implements AutoCloseable {
  private final Process process;
  private final URI base;

  private ChildServer(Process process, URI base) {
    this.process = process;
    this.base = base;
  }

  /**
   * Starts {@code serve} with {@code serveArgs} (e.g. {@code --dataset D} or {@code --model M}) on
   * a free port over {@code dataDir}, appending its output to {@code log}, and waits until {@code
   * /health/ready} answers 200.
   *
   * @throws IOException when the child exits or is not ready within {@code readyTimeout}
   */
  static ChildServer start(
      Path dataDir, List<String> serveArgs, List<String> jvmArgs, Path log, Duration readyTimeout)
      throws IOException, InterruptedException {
    // A server that just exited may hold the journal's file lock for a moment longer: its refusal
    // ("in use by another process", exit 2) is retried for up to 30 s.
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(dataDir, serveArgs, jvmArgs, log, readyTimeout);
      } catch (JournalBusy busy) {
        if (attempt == 15) {
          throw busy;
        }
        Thread.sleep(2_000);
      }
    }
  }

  private static final class JournalBusy extends IOException {
    JournalBusy(String message) {
      super(message);
    }
  }

  private static ChildServer startOnce(
      Path dataDir, List<String> serveArgs, List<String> jvmArgs, Path log, Duration readyTimeout)
      throws IOException, InterruptedException {
    long logStart = java.nio.file.Files.exists(log) ? java.nio.file.Files.size(log) : 0;
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx2g");
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.carousel.http.Main");
    cmd.add("serve");
    cmd.addAll(List.of("--data-dir", dataDir.toString(), "--port", Integer.toString(port)));
    cmd.addAll(serveArgs);
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    URI base = URI.create("http://127.0.0.1:" + port);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + readyTimeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        String tail =
            new String(
                    java.nio.file.Files.readAllBytes(log), java.nio.charset.StandardCharsets.UTF_8)
                .substring((int) logStart);
        String message = "the server exited with " + p.exitValue() + "; see " + log;
        throw tail.contains("in use by another process")
            ? new JournalBusy(message)
            : new IOException(message);
      }
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(base.resolve("/health/ready"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return new ChildServer(p, base);
        }
      } catch (IOException notYet) {
        // not bound yet
      }
      Thread.sleep(500);
    }
    p.destroyForcibly();
    throw new IOException("the server was not ready within " + readyTimeout + "; see " + log);
  }

  /** Returns {@code http://127.0.0.1:port}. */
  URI base() {
    return base;
  }

  /** Returns the child's CPU time so far (user + system, all threads), in ns; -1 if unknown. */
  long cpuNanos() {
    return process.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
  }

  /** Returns whether the child process is still running. */
  boolean alive() {
    return process.isAlive();
  }

  /** Stops the child with SIGTERM (coordinated shutdown), SIGKILL after 60 s. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
