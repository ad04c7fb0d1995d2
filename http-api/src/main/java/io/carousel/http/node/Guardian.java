package io.carousel.http.node;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.persistence.jdbc.testkit.javadsl.SchemaUtils;
import akka.stream.javadsl.Tcp;
import com.typesafe.config.Config;
import io.carousel.engine.ScoringModel;
import io.carousel.engine.ScoringSettings;
import io.carousel.engine.privacy.DpSettings;
import io.carousel.engine.text.TextEncoder;
import io.carousel.http.BodyText;
import io.carousel.http.CarouselRoutes;
import io.carousel.http.HttpSettings;
import io.carousel.http.auth.Authorizer;
import io.carousel.http.auth.Tls;
import io.carousel.http.journal.H2Maintenance;
import io.carousel.http.journal.JournalPurge;
import io.carousel.http.limits.Admission;
import io.carousel.http.limits.ConnectionGate;
import io.carousel.http.limits.HeapGauge;
import io.carousel.http.model.ModelService;
import io.carousel.http.model.ModelTrainer;
import io.carousel.http.ops.NodeMetrics;
import io.carousel.http.privacy.UserIds;
import io.carousel.user.Catalogue;
import io.carousel.user.CatalogueView;
import io.carousel.user.ItemAvailability;
import io.carousel.user.ProfileDependencies;
import io.carousel.user.UserProfile;
import io.carousel.user.UserProfileSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's guardian: the one place where a node is wired, one line per subsystem in the order
 * requests flow through them. Everything below {@link #create} is the detail of one of those lines.
 */
final class Guardian {
  private static final Logger LOG = LoggerFactory.getLogger(Guardian.class);

  private Guardian() {}

  /**
   * @param bound completed with the HTTP binding once the node serves, or with why it cannot
   * @param encoders the text encoder of items added through the API
   */
  static Behavior<Void> create(
      Config config,
      LoadedModel model,
      CompletableFuture<Tcp.ServerBinding> bound,
      Supplier<TextEncoder> encoders,
      Function<ActorSystem<?>, ModelTrainer> trainers) {
    return Behaviors.setup(
        ctx -> {
          ActorSystem<Void> system = ctx.getSystem();
          joinSelfWithoutSeeds(system, config);
          NodeMetrics metrics = NodeMetrics.create();
          ActorRef<ScoringModel.Command> scoring = scoringPool(ctx, config, model, metrics);
          CompletionStage<Done> journal = journalReady(config, ctx);
          LiveCatalogue live = liveCatalogue(system, model, encoders);
          ItemAvailability availability = catalogueView(ctx, model, live, journal);
          ProfileDependencies deps =
              userProfiles(system, config, model, scoring, metrics, availability);
          AtomicBoolean ready = new AtomicBoolean(false);
          ModelService models = modelService(system, config, model, metrics, trainers);
          hotSwap(system, config, deps, model, scoring, live, metrics, models);
          CarouselRoutes routes = routes(system, config, deps, metrics, ready::get, models);
          bind(system, config, model, journal, routes, ready, bound);
          return Behaviors.empty();
        });
  }

  /** A node without seed nodes is a cluster of one: it joins itself. */
  private static void joinSelfWithoutSeeds(ActorSystem<?> system, Config config) {
    Cluster cluster = Cluster.get(system);
    if (config.getList("akka.cluster.seed-nodes").isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
  }

  /** The scoring pool: {@code carousel.scoring.pool-size} batching TensorFlow scorers. */
  private static ActorRef<ScoringModel.Command> scoringPool(
      ActorContext<Void> ctx, Config config, LoadedModel model, NodeMetrics metrics) {
    return ctx.spawn(
        ModelSwap.scoringPool(ScoringSettings.fromConfig(config), model, metrics), "scoring");
  }

  /**
   * For a model with a text tower, the embedding of items the model was not trained on (added
   * through the API); else null.
   */
  private static LiveCatalogue liveCatalogue(
      ActorSystem<?> system, LoadedModel model, Supplier<TextEncoder> encoders) {
    return model.scorer().hasTextTower()
        ? new LiveCatalogue(
            system, model.scorer(), encoders, model.view().live(), Duration.ofSeconds(5), 1024)
        : null;
  }

  /**
   * The catalogue: its sharded entity (items added through the API), the node's view of which items
   * may be served (re-read every 30 s once the journal answers) and the items outside the model to
   * {@code live} (when not null).
   */
  private static ItemAvailability catalogueView(
      ActorContext<Void> ctx,
      LoadedModel model,
      LiveCatalogue live,
      CompletionStage<Done> journal) {
    ActorSystem<Void> system = ctx.getSystem();
    ItemAvailability availability = new ItemAvailability(model.view().catalog());
    if (live != null) {
      // Items added through the API: embedded from text on every node (docs/scoring.md).
      availability.onItemsOutsideModel(live);
    }
    Catalogue.initSharding(system, Clock.systemUTC());
    ctx.spawn(
        CatalogueView.create(availability, Duration.ofSeconds(30), journal), "catalogue-view");
    return availability;
  }

  /**
   * The user-profile sharding and what its actors share; the node-wide learning of the last run is
   * restored before the first slate and saved every {@code carousel.node-state.save-interval} and
   * at shutdown ({@link NodeStateStore}).
   */
  private static ProfileDependencies userProfiles(
      ActorSystem<Void> system,
      Config config,
      LoadedModel model,
      ActorRef<ScoringModel.Command> scoring,
      NodeMetrics metrics,
      ItemAvailability availability) {
    ProfileDependencies deps =
        ProfileDependencies.of(
                model.view(),
                scoring,
                UserProfileSettings.fromConfig(config),
                Clock.systemUTC(),
                metrics.profiles(),
                availability,
                DpSettings.fromConfig(config))
            // What the journal protocol leaves of a forgotten user (docs/security.md).
            .withPurge(JournalPurge.of(system, config));
    NodeStateStore nodeState =
        new NodeStateStore(Path.of(config.getString("carousel.data-dir")), deps, Clock.systemUTC());
    nodeState.restore();
    nodeState.start(config.getDuration("carousel.node-state.save-interval"));
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseServiceStop(),
            "node-state-save",
            () ->
                CompletableFuture.supplyAsync(
                    () -> {
                      nodeState.close();
                      return Done.getInstance();
                    }));
    UserProfile.initSharding(system, deps);
    return deps;
  }

  /**
   * The model registry and its retrain ({@code /v1/model}), when {@code carousel serve} handed in a
   * trainer; every {@code carousel.training.interval} (unless {@code off}) the same retrain as
   * {@code POST /v1/model/retrain} starts, skipped while one runs.
   */
  private static ModelService modelService(
      ActorSystem<Void> system,
      Config config,
      LoadedModel model,
      NodeMetrics metrics,
      Function<ActorSystem<?>, ModelTrainer> trainers) {
    ModelTrainer trainer = trainers == null ? null : trainers.apply(system);
    ModelService service =
        new ModelService(
            trainer, model.view().modelVersion(), metrics.registry(), Clock.systemUTC());
    String interval = config.getString("carousel.training.interval");
    if (trainer != null && !"off".equals(interval)) {
      Duration every = config.getDuration("carousel.training.interval");
      system
          .scheduler()
          .scheduleAtFixedRate(
              every,
              every,
              () -> {
                try {
                  service.start();
                } catch (ModelTrainer.Conflict running) {
                  LOG.info("scheduled retrain skipped: {}", running.getMessage());
                }
              },
              system.executionContext());
      LOG.info("retraining every {} (carousel.training.interval)", every);
    }
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseServiceStop(),
            "retrain-stop",
            () -> {
              service.close();
              return CompletableFuture.completedFuture(Done.getInstance());
            });
    return service;
  }

  /**
   * Hot swap (ADR 0014): after a promotion or rollback here, and every {@code
   * carousel.training.watch-interval} (unless {@code off}) when another node moved the registry's
   * {@code current}, this node swaps to it in place. Swapped-in models close with the node.
   */
  private static void hotSwap(
      ActorSystem<Void> system,
      Config config,
      ProfileDependencies deps,
      LoadedModel model,
      ActorRef<ScoringModel.Command> scoring,
      LiveCatalogue live,
      NodeMetrics metrics,
      ModelService models) {
    ModelSwap swap =
        new ModelSwap(system, config, deps, model, scoring, live, metrics, models::served);
    models.followWith(swap::followCurrent);
    if (!"off".equals(config.getString("carousel.training.watch-interval"))) {
      swap.watch(config.getDuration("carousel.training.watch-interval"));
    }
    system.getWhenTerminated().thenRun(swap::close);
  }

  private static CarouselRoutes routes(
      ActorSystem<Void> system,
      Config config,
      ProfileDependencies deps,
      NodeMetrics metrics,
      Supplier<Boolean> ready,
      ModelService models) {
    HttpSettings http = HttpSettings.fromConfig(config);
    return new CarouselRoutes(
        system,
        ClusterSharding.get(system),
        http,
        deps,
        metrics.registry(),
        ready,
        Authorizer.fromConfig(
            config, CarouselRoutes.ROUTE_TABLE, http.maxBodyBytes(), Clock.systemUTC()),
        new Admission(http.limits(), metrics.registry(), HeapGauge::afterLastGc, System::nanoTime),
        models);
  }

  /**
   * Binds HTTP once the journal answers; then the node is ready, says where it serves and completes
   * {@code bound}. A failure terminates the actor system.
   */
  private static void bind(
      ActorSystem<Void> system,
      Config config,
      LoadedModel model,
      CompletionStage<Done> journal,
      CarouselRoutes routes,
      AtomicBoolean ready,
      CompletableFuture<Tcp.ServerBinding> bound) {
    HttpSettings http = HttpSettings.fromConfig(config);
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
                    Tls.fromConfig(config, System.getenv())))
        .whenComplete(
            (binding, failure) -> {
              if (failure != null) {
                LOG.error("Carousel could not start: {}", CarouselServer.rootMessage(failure));
                bound.completeExceptionally(failure);
                system.terminate();
              } else {
                CoordinatedShutdown.get(system)
                    .addTask(
                        CoordinatedShutdown.PhaseServiceUnbind(),
                        "http-unbind",
                        () -> binding.unbind().thenApply(u -> Done.getInstance()));
                ready.set(true);
                logServing(config, model, binding);
                bound.complete(binding);
              }
            });
  }

  private static void logServing(Config config, LoadedModel model, Tcp.ServerBinding binding) {
    UserIds ids = UserIds.fromConfig(config);
    LOG.info(
        "user ids: {}",
        ids.pseudonymous()
            ? "pseudonymous, HMAC-SHA256 keyed by "
                + ids.keyFile().map(Object::toString).orElse("a key")
            : "stored as the shop sends them (no --user-id-key)");
    LOG.info(
        "Carousel serving {}://{}:{}/ (model {}, {} items, persistence {})",
        CarouselServer.tls(config) ? "https" : "http",
        binding.localAddress().getHostString(),
        binding.localAddress().getPort(),
        model.view().modelVersion(),
        model.view().catalog().size(),
        config.getString("carousel.persistence.kind"));
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
                  H2Maintenance.start(system, config);
                } catch (java.sql.SQLException e) {
                  throw new CompletionException(e);
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
}
