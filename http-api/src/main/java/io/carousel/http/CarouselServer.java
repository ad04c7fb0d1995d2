package io.carousel.http;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Routers;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.persistence.jdbc.testkit.javadsl.SchemaUtils;
import akka.stream.javadsl.Tcp;
import com.typesafe.config.Config;
import io.carousel.engine.ScoringModel;
import io.carousel.engine.ScoringSettings;
import io.carousel.user.CarouselMetrics;
import io.carousel.user.Catalogue;
import io.carousel.user.CatalogueView;
import io.carousel.user.ItemAvailability;
import io.carousel.user.ProfileDependencies;
import io.carousel.user.UserProfile;
import io.carousel.user.UserProfileSettings;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Carousel node: the actor system whose guardian is the single wiring point, in flow
 * order — journal schema, scoring pool, user-profile sharding, HTTP server.
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
    checkJournalFree(config);
    CompletableFuture<Tcp.ServerBinding> bound = new CompletableFuture<>();
    ActorSystem<Void> system =
        ActorSystem.create(guardian(config, model, bound), "carousel", config);
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

  private static Behavior<Void> guardian(
      Config config, LoadedModel model, CompletableFuture<Tcp.ServerBinding> bound) {
    return Behaviors.setup(
        ctx -> {
          ActorSystem<Void> system = ctx.getSystem();
          Cluster cluster = Cluster.get(system);
          if (config.getList("akka.cluster.seed-nodes").isEmpty()) {
            cluster.manager().tell(Join.create(cluster.selfMember().address()));
          }
          ScoringSettings scoringSettings = ScoringSettings.fromConfig(config);
          PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
          DistributionSummary batchSizes =
              DistributionSummary.builder("carousel.scoring.batch.size")
                  .description("Requests per TensorFlow session run")
                  .publishPercentileHistogram()
                  .register(registry);
          io.micrometer.core.instrument.Counter shed =
              io.micrometer.core.instrument.Counter.builder("carousel.scoring.shed")
                  .description(
                      "Score requests shed (503 + Retry-After) after waiting past"
                          + " carousel.scoring.max-queue-delay")
                  .register(registry);
          ActorRef<ScoringModel.Command> scoring =
              ctx.spawn(
                  Routers.pool(
                          scoringSettings.poolSize(),
                          Behaviors.supervise(
                                  ScoringModel.create(
                                      model.scorer(),
                                      scoringSettings,
                                      batchSizes::record,
                                      shed::increment,
                                      model.view().live()))
                              .onFailure(SupervisorStrategy.restart()))
                      .withRoundRobinRouting()
                      .withRouteeProps(DispatcherSelector.fromConfig(ScoringSettings.DISPATCHER)),
                  "scoring");
          UserProfileSettings userSettings = UserProfileSettings.fromConfig(config);
          new JvmMemoryMetrics().bindTo(registry);
          new JvmGcMetrics().bindTo(registry);
          new ProcessorMetrics().bindTo(registry);
          CarouselMetrics metrics = new CarouselMetrics(registry);
          HttpSettings http = HttpSettings.fromConfig(config);
          ClusterSharding sharding = ClusterSharding.get(system);
          ItemAvailability availability = new ItemAvailability(model.view().catalog());
          if (model.scorer().hasTextTower()) {
            // Items added through the API: embedded from text on every node (docs/scoring.md).
            availability.onItemsOutsideModel(
                new LiveCatalogue(
                    system,
                    model.scorer(),
                    io.carousel.engine.text.MiniLmTextEncoder::new,
                    model.view().live(),
                    Duration.ofSeconds(5),
                    1024));
          }
          Catalogue.initSharding(system, Clock.systemUTC());
          CompletionStage<Done> journal = journalReady(config, ctx);
          ctx.spawn(
              CatalogueView.create(availability, Duration.ofSeconds(30), journal),
              "catalogue-view");
          ProfileDependencies deps =
              ProfileDependencies.of(
                      model.view(),
                      scoring,
                      userSettings,
                      Clock.systemUTC(),
                      metrics,
                      availability,
                      io.carousel.engine.privacy.DpSettings.fromConfig(config))
                  // What the journal protocol leaves of a forgotten user (docs/security.md).
                  .withPurge(io.carousel.http.journal.JournalPurge.of(system, config));
          UserProfile.initSharding(system, deps);
          AtomicBoolean ready = new AtomicBoolean(false);
          CarouselRoutes routes =
              new CarouselRoutes(
                  system,
                  sharding,
                  http,
                  deps,
                  registry,
                  ready::get,
                  io.carousel.http.auth.Authorizer.fromConfig(
                      config, CarouselRoutes.ROUTE_TABLE, http.maxBodyBytes(), Clock.systemUTC()));
          journal
              .thenCompose(
                  done ->
                      ConnectionGate.bind(
                          system,
                          http.host(),
                          http.port(),
                          routes.routes().flow(system),
                          BodyText.serverSettings(system),
                          http,
                          io.carousel.http.auth.Tls.fromConfig(config, System.getenv())))
              .whenComplete(
                  (binding, failure) -> {
                    if (failure != null) {
                      LOG.error("Carousel could not start: {}", rootMessage(failure));
                      bound.completeExceptionally(failure);
                      system.terminate();
                    } else {
                      CoordinatedShutdown.get(system)
                          .addTask(
                              CoordinatedShutdown.PhaseServiceUnbind(),
                              "http-unbind",
                              () -> binding.unbind().thenApply(u -> Done.getInstance()));
                      ready.set(true);
                      io.carousel.http.privacy.UserIds ids =
                          io.carousel.http.privacy.UserIds.fromConfig(config);
                      LOG.info(
                          "user ids: {}",
                          ids.pseudonymous()
                              ? "pseudonymous, HMAC-SHA256 keyed by "
                                  + ids.keyFile().map(Object::toString).orElse("a key")
                              : "stored as the shop sends them (no --user-id-key)");
                      LOG.info(
                          "Carousel serving {}://{}:{}/ (model {}, {} items, persistence {})",
                          tls(config) ? "https" : "http",
                          binding.localAddress().getHostString(),
                          binding.localAddress().getPort(),
                          model.view().modelVersion(),
                          model.view().catalog().size(),
                          config.getString("carousel.persistence.kind"));
                      bound.complete(binding);
                    }
                  });
          return Behaviors.empty();
        });
  }

  /** Returns whether the node serves HTTPS. */
  static boolean tls(Config config) {
    return !config.getString("carousel.http.tls.keystore").isBlank();
  }

  /**
   * Completes when the journal can serve: on H2 once the schema exists; on Cassandra once a warm-up
   * recovery answered (session connected, schema checked) within {@code
   * carousel.cassandra.warm-up-timeout}, so the first event is not the one paying for it.
   */
  private static CompletionStage<Done> journalReady(Config config, ActorContext<Void> ctx) {
    if ("embedded".equals(config.getString("carousel.persistence.kind"))) {
      ActorSystem<?> system = ctx.getSystem();
      // Once the schema exists: online compaction and SHUTDOWN COMPACT of the H2 file.
      return SchemaUtils.createIfNotExists(system)
          .thenApply(
              done -> {
                try {
                  io.carousel.http.journal.H2Maintenance.start(system, config);
                } catch (java.sql.SQLException e) {
                  throw new java.util.concurrent.CompletionException(e);
                }
                return done;
              });
    }
    Duration timeout = config.getDuration("carousel.cassandra.warm-up-timeout");
    CompletableFuture<Done> recovered = new CompletableFuture<>();
    ctx.spawnAnonymous(JournalWarmUp.create("carousel-journal-warm-up", recovered));
    long t0 = System.nanoTime();
    return recovered
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (done, failure) -> {
              if (failure == null) {
                LOG.info("journal answered in {} ms", (System.nanoTime() - t0) / 1_000_000);
              }
            });
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

  static String rootMessage(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r.getClass().getSimpleName() + ": " + r.getMessage();
  }
}
