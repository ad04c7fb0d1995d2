package io.carousel.http;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A WebSocket client on a plain socket, for tests that need what {@code java.net.http} hides: a
 * small receive buffer, not reading at all, and never answering pings.
 */
final class RawWebSocket implements AutoCloseable {
  final Socket socket = new Socket();
  private final DataInputStream in;
  private final OutputStream out;
  private final boolean answerPings;

  /** One frame as read: its opcode and payload. */
  record Frame(int opcode, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }

  /**
   * Opens {@code path} on {@code port}, with a receive buffer of {@code receiveBuffer} bytes (0 =
   * default), and checks the 101.
   */
  RawWebSocket(int port, String path, int receiveBuffer, boolean answerPings) throws IOException {
    this.answerPings = answerPings;
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
    String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes());
    out.write(
        ("GET "
                + path
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: "
                + key
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String head = readHead(in);
    if (!head.startsWith("HTTP/1.1 101")) {
      throw new IOException("no upgrade: " + head);
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("closed in the response head: " + head);
      }
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  /**
   * Reads the next data or close frame within {@code timeoutMs} (pings are answered when this
   * client answers pings, and skipped); null on timeout; throws EOFException when the server closed
   * the connection.
   */
  Frame next(int timeoutMs) throws IOException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    try {
      while (true) {
        long left = (deadline - System.nanoTime()) / 1_000_000L;
        if (left <= 0) {
          return null;
        }
        socket.setSoTimeout((int) left);
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) {
          len = in.readUnsignedShort();
        } else if (len == 127) {
          len = in.readLong();
        }
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        int opcode = b0 & 0x0f;
        if (opcode == 0x9) {
          if (answerPings) {
            send(0xA, payload);
          }
          continue;
        }
        if (opcode == 0xA) {
          continue;
        }
        return new Frame(opcode, payload);
      }
    } catch (SocketTimeoutException e) {
      return null;
    }
  }

  private void send(int opcode, byte[] payload) throws IOException {
    byte[] mask = {1, 2, 3, 4};
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.write(0x80 | opcode);
    f.write(0x80 | payload.length);
    f.write(mask);
    for (int i = 0; i < payload.length; i++) {
      f.write(payload[i] ^ mask[i % 4]);
    }
    out.write(f.toByteArray());
    out.flush();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
