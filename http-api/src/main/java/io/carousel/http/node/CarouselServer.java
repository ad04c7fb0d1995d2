package io.carousel.http.node;

import akka.actor.typed.ActorSystem;
import akka.stream.javadsl.Tcp;
import com.typesafe.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Carousel node: starts the actor system whose {@link Guardian} wires the node, waits
 * until it serves HTTP, and stops it.
 */
public final class CarouselServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CarouselServer.class);

  private final ActorSystem<Void> system;
  private final Tcp.ServerBinding binding;

  private CarouselServer(ActorSystem<Void> system, Tcp.ServerBinding binding) {
    this.system = system;
    this.binding = binding;
  }

  /**
   * Starts a node and waits until it serves HTTP.
   *
   * @param config the complete, resolved configuration
   * @param model the loaded model (not closed by the server)
   * @throws IllegalStateException when the journal fails or nothing is bound within 60 s
   * @throws IllegalArgumentException when another process holds the embedded journal, or the HTTP
   *     host and port cannot be bound (in use, or not an address of this machine)
   */
  public static CarouselServer start(Config config, LoadedModel model) {
    // MiniLM's batches run on the live catalogue's one embedding thread, not on one per core.
    return start(config, model, () -> new io.carousel.engine.text.MiniLmTextEncoder(Runnable::run));
  }

  /**
   * As {@link #start(Config, LoadedModel)}, embedding live items' text with {@code encoders} (a
   * test's own, or a stub).
   */
  public static CarouselServer start(
      Config config,
      LoadedModel model,
      java.util.function.Supplier<io.carousel.engine.text.TextEncoder> encoders) {
    return start(config, model, encoders, null);
  }

  /**
   * As {@link #start(Config, LoadedModel, java.util.function.Supplier)}, with the node's model
   * registry and retrain ({@code /v1/model}): {@code trainers} builds it on the node's own actor
   * system (its read journal); null = none (those routes answer 503).
   */
  public static CarouselServer start(
      Config config,
      LoadedModel model,
      java.util.function.Supplier<io.carousel.engine.text.TextEncoder> encoders,
      java.util.function.Function<ActorSystem<?>, io.carousel.http.model.ModelTrainer> trainers) {
    checkJournalFree(config);
    CompletableFuture<Tcp.ServerBinding> bound = new CompletableFuture<>();
    ActorSystem<Void> system =
        ActorSystem.create(
            Guardian.create(config, model, bound, encoders, trainers), "carousel", config);
    try {
      Tcp.ServerBinding b = bound.get(60, TimeUnit.SECONDS);
      return new CarouselServer(system, b);
    } catch (Exception e) {
      system.terminate();
      BindException bind = bindFailure(e);
      if (bind != null) {
        // Taken between checkCanStart and the bind: still the user's to fix, not a crash.
        throw new IllegalArgumentException(bindMessage(config, bind), e);
      }
      throw new IllegalStateException("Carousel failed to start: " + rootMessage(e), e);
    }
  }

  /**
   * Fails fast, before a model is trained or loaded, when this node could not start: another
   * process holds its embedded journal, or its HTTP host and port cannot be bound (checked by
   * opening and closing a server socket there; port 0 is not checked).
   *
   * @param config the complete, resolved configuration
   * @throws IllegalArgumentException saying what to do: stop the other server, or choose another
   *     {@code --port} or {@code --host}
   */
  public static void checkCanStart(Config config) {
    checkJournalFree(config);
    int port = config.getInt("carousel.http.port");
    if (port == 0) {
      return;
    }
    InetSocketAddress address = new InetSocketAddress(config.getString("carousel.http.host"), port);
    if (address.isUnresolved()) {
      throw new IllegalArgumentException(
          "--host " + address.getHostString() + " is not a known host name or address");
    }
    try (ServerSocket probe = new ServerSocket()) {
      // As Akka binds: a restarted node's old connections in TIME_WAIT do not block the port.
      probe.setReuseAddress(true);
      probe.bind(address);
    } catch (BindException e) {
      throw new IllegalArgumentException(bindMessage(config, e), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void checkJournalFree(Config config) {
    if ("embedded".equals(config.getString("carousel.persistence.kind"))) {
      // A second node on the same data directory waited 60 s, then "TimeoutException: null".
      io.carousel.http.journal.JournalReader.checkNotInUse(
          config.getConfig("akka-persistence-jdbc.shared-databases.slick.db"),
          config.getString("carousel.data-dir") + "/journal",
          config.getString("carousel.data-dir"));
    }
  }

  /** Returns the user's one line for a failed bind of the configured host and port. */
  private static String bindMessage(Config config, BindException e) {
    int port = config.getInt("carousel.http.port");
    String host = config.getString("carousel.http.host");
    String reason = String.valueOf(e.getMessage());
    if (reason.contains("in use")) {
      return "port "
          + port
          + " on "
          + host
          + " is in use; stop the other server or choose another with --port";
    }
    return "cannot listen on "
        + host
        + ":"
        + port
        + " ("
        + reason
        + "); choose another --host or --port";
  }

  private static BindException bindFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof BindException b) {
        return b;
      }
    }
    return null;
  }

  /** Returns whether the node serves HTTPS. */
  public static boolean tls(Config config) {
    return !config.getString("carousel.http.tls.keystore").isBlank();
  }

  /** Returns the bound HTTP port. */
  public int port() {
    return binding.localAddress().getPort();
  }

  /** Returns the bound HTTP host. */
  public String host() {
    return binding.localAddress().getHostString();
  }

  /** Returns the actor system. */
  public ActorSystem<Void> system() {
    return system;
  }

  /** Blocks until the actor system terminates (Ctrl-C runs coordinated shutdown). */
  public void awaitTermination() throws InterruptedException {
    system.getWhenTerminated().toCompletableFuture().join();
  }

  /** Unbinds and terminates, waiting up to 30 s. */
  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("actor system did not terminate in 30 s: {}", rootMessage(e));
    }
  }

  public static String rootMessage(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r.getClass().getSimpleName() + ": " + r.getMessage();
  }
}
