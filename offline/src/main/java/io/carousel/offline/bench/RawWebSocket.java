package io.carousel.offline.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain {@link Socket}, so a test can set the receive buffer and stop
 * reading: the JDK's client always reads. Speaks just enough RFC 6455 to count the server's frames
 * (server frames are unmasked); a slow reader is simulated by not calling {@link #drain}.
 */
final class RawWebSocket implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;

  /** What {@link #drain} saw: complete data frames (text or binary), bytes, a close frame. */
  record Drained(int frames, long bytes, boolean closed) {}

  private RawWebSocket(Socket socket, InputStream in) {
    this.socket = socket;
    this.in = in;
  }

  /**
   * Opens {@code ws} (an {@code http://} URL with path and query) with a receive buffer of {@code
   * receiveBuffer} bytes and completes the upgrade.
   *
   * @return the socket, or null when the server answered the upgrade with another status
   * @throws IOException when the connection fails
   */
  static RawWebSocket open(URI http, int receiveBuffer) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(receiveBuffer);
    s.connect(new InetSocketAddress(http.getHost(), http.getPort()), 5_000);
    s.setSoTimeout(10_000);
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    String path = http.getRawPath() + (http.getRawQuery() == null ? "" : "?" + http.getRawQuery());
    String request =
        "GET "
            + path
            + " HTTP/1.1\r\nHost: "
            + http.getHost()
            + ":"
            + http.getPort()
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Key: "
            + Base64.getEncoder().encodeToString(nonce)
            + "\r\n\r\n";
    OutputStream out = s.getOutputStream();
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = s.getInputStream();
    String head = readHead(in);
    if (!head.startsWith("HTTP/1.1 101")) {
      s.close();
      return null;
    }
    return new RawWebSocket(s, in);
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
      state =
          (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
              ? state + 1
              : 0;
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  /** Reads every frame the server sends until it has been quiet for {@code quietMs} (or closed). */
  Drained drain(int quietMs) throws IOException {
    socket.setSoTimeout(quietMs);
    int frames = 0;
    long bytes = 0;
    try {
      while (true) {
        int b0 = in.read();
        if (b0 < 0) {
          return new Drained(frames, bytes, true);
        }
        int b1 = readByte();
        long len = b1 & 0x7f;
        if (len == 126) {
          len = (readByte() << 8) | readByte();
        } else if (len == 127) {
          len = 0;
          for (int i = 0; i < 8; i++) {
            len = (len << 8) | readByte();
          }
        }
        if ((b1 & 0x80) != 0) {
          in.readNBytes(4); // a mask: servers do not send one, but skip it if present
        }
        in.skipNBytes(len);
        int opcode = b0 & 0x0f;
        boolean fin = (b0 & 0x80) != 0;
        if (opcode == 0x8) {
          return new Drained(frames, bytes, true);
        }
        if (opcode <= 0x2) {
          bytes += len;
          if (fin) {
            frames++;
          }
        }
      }
    } catch (SocketTimeoutException quiet) {
      return new Drained(frames, bytes, false);
    }
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new IOException("connection closed mid-frame");
    }
    return b;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
