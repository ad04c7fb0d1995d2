package io.carousel.offline.bench.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One node of a loopback cluster in its own JVM: {@code io.carousel.cli.Main serve --config
 * local<n> --persistence cassandra --model DIR}, like the ITs' {@code ChildNode}. The class name
 * {@code io.carousel.cli.Main} is a string: the {@code cli} module, on the caller's classpath,
 * depends on this one, not the other way round. With {@link Ports#fixed()} it uses the overlay's
 * own ports (Akka 2552n, HTTP 808n); with free ports (tests) it overrides them and the seed nodes
 * with {@code -D} properties. Heap 512 MB: three nodes, Cassandra and the driver share two cores.
 */
public final class ClusterNode implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** Ports of nodes 1..3: Akka remoting and HTTP; index 0 is node 1. */
  public record Ports(int[] akka, int[] http, boolean overridden) {
    /** The ports written in local1..3.conf. */
    public static Ports fixed() {
      return new Ports(new int[] {25521, 25522, 25523}, new int[] {8081, 8082, 8083}, false);
    }

    /** Six free loopback ports. */
    public static Ports free() throws IOException {
      int[] a = new int[3];
      int[] h = new int[3];
      for (int i = 0; i < 3; i++) {
        a[i] = freePort();
        h[i] = freePort();
      }
      return new Ports(a, h, true);
    }
  }

  public final int index;
  public final String base;
  public final String address;
  private final Process process;
  private final Path log;

  private ClusterNode(int index, String base, String address, Process process, Path log) {
    this.index = index;
    this.base = base;
    this.address = address;
    this.process = process;
    this.log = log;
  }

  /** Launches node {@code index} (1..3) without waiting; see {@link #awaitReady(Duration)}. */
  public static ClusterNode launch(
      int index, Ports ports, Path workDir, Path modelDir, String contactPoint, List<String> jvm)
      throws IOException {
    int i = index - 1;
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx512m", "-XX:+UseSerialGC", "-Dakka.loglevel=INFO"));
    cmd.add("-Dcarousel.cassandra.contact-point=" + contactPoint);
    if (ports.overridden()) {
      cmd.add("-Dakka.remote.artery.canonical.port=" + ports.akka()[i]);
      cmd.add("-Dcarousel.http.port=" + ports.http()[i]);
      cmd.add("-Dakka.cluster.seed-nodes.0=akka://carousel@127.0.0.1:" + ports.akka()[0]);
      cmd.add("-Dakka.cluster.seed-nodes.1=akka://carousel@127.0.0.1:" + ports.akka()[1]);
    }
    cmd.addAll(jvm);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.carousel.cli.Main"));
    cmd.addAll(List.of("serve", "--config", "local" + index, "--persistence", "cassandra"));
    Path dataDir = Files.createDirectories(workDir.resolve("node" + index));
    cmd.addAll(List.of("--data-dir", dataDir.toString(), "--model", modelDir.toString()));
    Path log = workDir.resolve("node" + index + ".log");
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    return new ClusterNode(
        index,
        "http://127.0.0.1:" + ports.http()[i],
        "akka://carousel@127.0.0.1:" + ports.akka()[i],
        p,
        log);
  }

  /**
   * Waits until {@code /health/ready} is 200 and this node is {@code Up} in its own view.
   *
   * @throws IllegalStateException with the log tail when the JVM exits or the time runs out
   */
  public void awaitReady(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "node " + index + " exited with " + process.exitValue() + ":\n" + logTail(40));
      }
      JsonNode c = clusterOrNull();
      if (c != null) {
        for (JsonNode m : c.get("members")) {
          if (m.get("address").asText().equals(address) && m.get("status").asText().equals("Up")) {
            return;
          }
        }
      }
      Thread.sleep(300);
    }
    throw new IllegalStateException(
        "node " + index + " not Up in " + timeout + ":\n" + logTail(40));
  }

  /** Returns this node's {@code GET /v1/cluster} JSON, or null when it does not answer 200. */
  public JsonNode clusterOrNull() {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(base + "/v1/cluster"))
                  .timeout(Duration.ofSeconds(3))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? MAPPER.readTree(r.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Returns the number of user shards hosted here, or -1 when the node does not answer. */
  int shards() {
    JsonNode c = clusterOrNull();
    return c == null ? -1 : c.get("shards").asInt();
  }

  /** SIGKILL: no coordinated shutdown, no leaving; waits until the process is gone. */
  void kill9() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** Returns the lines of this node's log that contain {@code needle}. */
  List<String> logLines(String needle) throws IOException {
    return Files.readAllLines(log).stream().filter(l -> l.contains(needle)).toList();
  }

  /** Returns the last {@code n} lines of this node's log. */
  String logTail(int n) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
  }

  /** Stops the node with SIGTERM (coordinated shutdown: it leaves the cluster), 30 s at most. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  /** Returns a free loopback port. */
  private static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * Returns the contact point of the Cassandra on {@code $CQL_PORT} (default 19042) of this host.
   *
   * @throws IllegalArgumentException saying how to start one when nothing listens there
   */
  public static String cassandraContactPoint() {
    String env = System.getenv("CQL_PORT");
    int port = env == null || env.isBlank() ? 19042 : Integer.parseInt(env.strip());
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 2000);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "no Cassandra on 127.0.0.1:"
              + port
              + " (CQL_PORT): start one with cluster-conf/cassandra/start-cassandra.sh");
    }
    return "127.0.0.1:" + port;
  }
}
