package io.carousel.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free loopback ports for tests that start servers. */
final class TestPorts {
  private TestPorts() {}

  /** Returns a port that was free on 127.0.0.1 a moment ago. */
  static int free() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
