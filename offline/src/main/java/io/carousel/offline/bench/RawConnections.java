package io.carousel.offline.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The raw TCP clients of {@link FaultScenarios}: connections that send nothing (idle) or a request
 * head one byte a second (slowloris), and what the server did with them (closed, answered 408).
 */
final class RawConnections implements AutoCloseable {
  private final List<Socket> sockets;

  private RawConnections(List<Socket> sockets) {
    this.sockets = sockets;
  }

  /**
   * Opens up to {@code n} connections to {@code base} (2 s each) and writes {@code first} on each;
   * a connection that fails is left out.
   */
  static RawConnections open(URI base, int n, String first) {
    List<Socket> open = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Socket s = new Socket();
      try {
        s.connect(new InetSocketAddress(base.getHost(), base.getPort()), 2_000);
        if (!first.isEmpty()) {
          s.getOutputStream().write(first.getBytes(StandardCharsets.US_ASCII));
        }
        open.add(s);
      } catch (IOException e) {
        closeQuietly(s);
      }
    }
    return new RawConnections(open);
  }

  /** Returns the number of connections open. */
  int size() {
    return sockets.size();
  }

  /**
   * Starts a daemon thread that writes one header byte a second on every connection (each byte
   * within any idle timeout); interrupt it to stop.
   */
  Thread trickle() {
    Thread writer =
        new Thread(
            () -> {
              try {
                while (!Thread.currentThread().isInterrupted()) {
                  Thread.sleep(1_000);
                  for (Socket s : sockets) {
                    try {
                      s.getOutputStream().write('a');
                    } catch (IOException gone) {
                      // closed by the server
                    }
                  }
                }
              } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
              }
            });
    writer.setDaemon(true);
    writer.start();
    return writer;
  }

  /**
   * What the server did with the connections.
   *
   * @param closed connections the server closed (end of stream or reset)
   * @param answered408 of those, the ones answered {@code HTTP/1.1 408} first
   * @param lastClosedMs when the last one was closed, ms after the start; -1 when none was
   */
  record Closures(int closed, int answered408, long lastClosedMs) {}

  /**
   * Reads every connection until the server closed each one or {@code limit} after {@code
   * startNanos} passed, polling every 100 ms.
   */
  Closures awaitClosedByServer(long startNanos, Duration limit) throws InterruptedException {
    int answered408 = 0;
    int closed = 0;
    long lastClosedMs = -1;
    boolean[] done = new boolean[sockets.size()];
    StringBuilder[] got = new StringBuilder[sockets.size()];
    long until = startNanos + limit.toNanos();
    byte[] buf = new byte[512];
    while (closed < sockets.size() && System.nanoTime() < until) {
      for (int i = 0; i < sockets.size(); i++) {
        if (done[i]) {
          continue;
        }
        if (got[i] == null) {
          got[i] = new StringBuilder();
        }
        boolean ended;
        try {
          Socket s = sockets.get(i);
          s.setSoTimeout(1);
          int b;
          while ((b = s.getInputStream().read(buf)) > 0) {
            got[i].append(new String(buf, 0, b, StandardCharsets.ISO_8859_1));
          }
          ended = true;
        } catch (SocketTimeoutException stillOpen) {
          ended = false;
        } catch (IOException reset) {
          ended = true;
        }
        if (ended) {
          done[i] = true;
          closed++;
          lastClosedMs = (System.nanoTime() - startNanos) / 1_000_000;
          if (got[i].toString().startsWith("HTTP/1.1 408")) {
            answered408++;
          }
        }
      }
      Thread.sleep(100);
    }
    return new Closures(closed, answered408, lastClosedMs);
  }

  /** Closes every connection. */
  @Override
  public void close() {
    for (Socket s : sockets) {
      closeQuietly(s);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing a probe connection
    }
  }
}
