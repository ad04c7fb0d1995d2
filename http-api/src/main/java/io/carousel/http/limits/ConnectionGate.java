package io.carousel.http.limits;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.event.Logging;
import akka.http.javadsl.Http;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.settings.ServerSettings;
import akka.io.Inet;
import akka.io.TcpSO;
import akka.stream.KillSwitches;
import akka.stream.SharedKillSwitch;
import akka.stream.TLSProtocol;
import akka.stream.javadsl.BidiFlow;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.TLSPlacebo;
import akka.stream.javadsl.Tcp;
import akka.util.ByteString;
import io.carousel.http.HttpSettings;
import io.carousel.http.Json;
import io.carousel.http.Problem;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP server's own accept loop: every TCP connection is accepted and counted; up to {@code
 * connections.max} get the routes, the next ones get one 503 problem+json and are closed. A
 * connection from which no byte arrives for {@code incoming-idle-timeout} is closed. A request head
 * must arrive within {@code header-timeout} ({@link HeadDeadline}; 408, closed) and a streamed body
 * within {@code body-timeout} (408): each trickled byte resets the idle timeout, so it alone let a
 * slowloris client hold a place forever.
 *
 * <p>Why not {@code Http.newServerAt(...).bind}: its {@code max-connections} stops accepting at the
 * limit, so 1,100 idle sockets left every new client in the kernel's accept queue, silent for up to
 * the 60 s idle timeout. And its idle timeout counts outgoing bytes too: a WebSocket peer that
 * never answers the server's pings stayed open, because each ping "used" the connection. Counting
 * received bytes only catches it (a live peer answers each ping with a pong).
 */
public final class ConnectionGate {
  /** How long a refused connection may take to send the request its 503 answers. */
  private static final Duration REFUSED_GRACE = Duration.ofSeconds(2);

  private final AtomicInteger open = new AtomicInteger();
  private final int max;
  private final Duration incomingIdle;
  private final int writeBuffer;
  private final Duration headerTimeout;
  private final Duration bodyTimeout;

  private ConnectionGate(
      int max,
      Duration incomingIdle,
      int writeBuffer,
      Duration headerTimeout,
      Duration bodyTimeout) {
    this.max = max;
    this.incomingIdle = incomingIdle;
    this.writeBuffer = writeBuffer;
    this.headerTimeout = headerTimeout;
    this.bodyTimeout = bodyTimeout;
  }

  /**
   * Binds {@code host:port} and serves {@code handler} with {@code server}'s settings on each
   * admitted connection.
   *
   * @return the binding, once bound
   */
  public static CompletionStage<Tcp.ServerBinding> bind(
      ActorSystem<?> system,
      String host,
      int port,
      Flow<HttpRequest, HttpResponse, NotUsed> handler,
      ServerSettings server,
      HttpSettings settings) {
    return bind(system, host, port, handler, server, settings, Optional.empty());
  }

  /**
   * As above, with TLS on every connection when {@code tls} is given (HTTPS; the gate counts and
   * times the TCP connection beneath it as before).
   */
  public static CompletionStage<Tcp.ServerBinding> bind(
      ActorSystem<?> system,
      String host,
      int port,
      Flow<HttpRequest, HttpResponse, NotUsed> handler,
      ServerSettings server,
      HttpSettings settings,
      Optional<javax.net.ssl.SSLContext> tls) {
    ConnectionGate gate =
        new ConnectionGate(
            settings.maxConnections(),
            settings.incomingIdleTimeout(),
            settings.sendBufferBytes() > 0 ? settings.sendBufferBytes() : 16 * 1024,
            settings.headerTimeout(),
            settings.bodyTimeout());
    List<Inet.SocketOption> options =
        settings.sendBufferBytes() > 0
            ? List.of(TcpSO.sendBufferSize(settings.sendBufferBytes()))
            : List.of();
    return Tcp.get(system)
        .bind(host, port, server.getBacklog(), options, false, Optional.empty())
        .to(Sink.foreach(c -> gate.serve(system, server, c, handler, tls)))
        .run(system);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void serve(
      ActorSystem<?> system,
      ServerSettings server,
      Tcp.IncomingConnection connection,
      Flow<HttpRequest, HttpResponse, NotUsed> handler,
      Optional<javax.net.ssl.SSLContext> tls) {
    boolean admitted = open.incrementAndGet() <= max;
    // Failing only the received side does not close the socket; the kill switch on the written
    // side does (the TCP stage aborts the connection when what it writes fails).
    SharedKillSwitch kill = KillSwitches.shared("connection");
    // A late request head is answered 408 through this (merged into what the server writes, on
    // the plaintext side of TLS), after which the merge completes and the connection closes.
    CompletableFuture<ByteString> late = new CompletableFuture<>();
    // A refused connection is timed too: else a trickler past the cap, each byte resetting the
    // idle timeout, was never answered nor closed.
    HeadDeadline deadline =
        new HeadDeadline(
            system,
            admitted || headerTimeout.compareTo(REFUSED_GRACE) < 0 ? headerTimeout : REFUSED_GRACE,
            partial -> late.complete(partial ? LATE_HEAD : ByteString.emptyByteString()));
    Flow<ByteString, ByteString, NotUsed> tcp =
        Flow.<ByteString>create()
            .via(kill.flow())
            .via(
                connection
                    .flow()
                    // Akka coalesces up to 16 KiB of writes per connection by default: as many
                    // queued stale slates for a client that stopped reading. Bound it like the
                    // kernel's buffer.
                    .addAttributes(
                        akka.stream.scaladsl.TcpAttributes.tcpWriteBufferSize(writeBuffer)))
            .idleTimeout(admitted ? incomingIdle : REFUSED_GRACE)
            .map(
                bytes -> {
                  deadline.bytesIn();
                  return bytes;
                })
            .watchTermination(
                (mat, done) -> {
                  done.whenComplete(
                      (d, failure) -> {
                        if (failure != null) {
                          kill.abort(failure);
                        }
                      });
                  return mat;
                })
            .watchTermination(
                (mat, done) -> {
                  done.whenComplete(
                      (d, failure) -> {
                        open.decrementAndGet();
                        deadline.closed();
                      });
                  return mat;
                });
    BidiFlow<TLSProtocol.SslTlsOutbound, ByteString, ByteString, TLSProtocol.SslTlsInbound, NotUsed>
        plain =
            tls.isPresent()
                ? (BidiFlow)
                    akka.stream.javadsl.TLS.create(
                        () -> {
                          javax.net.ssl.SSLEngine engine = tls.get().createSSLEngine();
                          engine.setUseClientMode(false);
                          return engine;
                        },
                        akka.stream.TLSClosing$.MODULE$.eagerClose())
                : (BidiFlow) TLSPlacebo.getInstance();
    Flow<HttpResponse, HttpRequest, NotUsed> http =
        Http.get(system)
            .serverLayer(
                server,
                Optional.of(connection.remoteAddress()),
                Logging.getLogger(system.classicSystem(), ConnectionGate.class))
            .atop(
                BidiFlow.fromFlows(
                    Flow.<TLSProtocol.SslTlsOutbound>create()
                        .merge(
                            Source.completionStage(late)
                                .map(
                                    b -> (TLSProtocol.SslTlsOutbound) new TLSProtocol.SendBytes(b)),
                            true),
                    Flow.<TLSProtocol.SslTlsInbound>create()))
            .atop(plain)
            .join(tcp);
    deadlines(admitted ? handler : refuse(), deadline).join(http).run(system);
  }

  /** 408 problem+json, written raw: the request it answers was never parsed. */
  private static final ByteString LATE_HEAD = lateHead();

  private static ByteString lateHead() {
    byte[] body =
        Json.bytes(
            Problem.of(
                408,
                "Request Timeout",
                "headers",
                "the request's head did not arrive in time; closing the connection"));
    String head =
        "HTTP/1.1 408 Request Timeout\r\n"
            + "Content-Type: application/problem+json\r\n"
            + "Content-Length: "
            + body.length
            + "\r\nConnection: close\r\n\r\n";
    return ByteString.fromString(head, java.nio.charset.StandardCharsets.US_ASCII)
        .concat(ByteString.fromArray(body));
  }

  /**
   * {@code handler} with the connection's head deadline told of each parsed head and each response,
   * and each streamed body held to {@code body-timeout}.
   */
  private Flow<HttpRequest, HttpResponse, NotUsed> deadlines(
      Flow<HttpRequest, HttpResponse, NotUsed> handler, HeadDeadline deadline) {
    return Flow.of(HttpRequest.class)
        .map(
            request -> {
              deadline.head();
              return bodyDeadline(request);
            })
        .via(handler)
        .map(
            response -> {
              deadline.responded(response.status().intValue() == 101);
              return response;
            });
  }

  /**
   * The request with its body failing {@link BodyTimeout} when it has not all arrived within {@code
   * body-timeout} (a body read in one piece is left alone).
   */
  private HttpRequest bodyDeadline(HttpRequest request) {
    akka.http.javadsl.model.RequestEntity entity = request.entity();
    if (entity.isStrict() || entity.isKnownEmpty()) {
      return request;
    }
    long timeoutMs = bodyTimeout.toMillis();
    akka.stream.javadsl.Source<ByteString, Object> bytes =
        entity
            .getDataBytes()
            .completionTimeout(bodyTimeout)
            .mapError(
                new scala.PartialFunction<Throwable, Throwable>() {
                  @Override
                  public boolean isDefinedAt(Throwable t) {
                    return t instanceof java.util.concurrent.TimeoutException;
                  }

                  @Override
                  public Throwable apply(Throwable t) {
                    return new BodyTimeout(timeoutMs);
                  }
                });
    OptionalLong length = entity.getContentLengthOption();
    return request.withEntity(
        length.isPresent()
            ? akka.http.javadsl.model.HttpEntities.create(
                entity.getContentType(), length.getAsLong(), bytes)
            : akka.http.javadsl.model.HttpEntities.createChunked(entity.getContentType(), bytes));
  }

  /** A request body that did not arrive within {@code body-timeout}; answered 408. */
  public static final class BodyTimeout extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BodyTimeout(long timeoutMs) {
      super("the request body did not arrive within " + timeoutMs + " ms");
    }
  }

  /** Answers the first request 503 and closes the connection. */
  private Flow<HttpRequest, HttpResponse, NotUsed> refuse() {
    return Flow.of(HttpRequest.class)
        .take(1)
        .map(
            request ->
                Json.problem(
                        Problem.of(
                            503,
                            "Service Unavailable",
                            null,
                            "this node serves "
                                + max
                                + " connections already (carousel.http.connections.max); retry"))
                    .addHeader(HttpHeader.parse("Retry-After", "1"))
                    .addHeader(HttpHeader.parse("Connection", "close")));
  }
}
