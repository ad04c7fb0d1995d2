package io.carousel.http;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.persistence.testkit.PersistenceTestKitPlugin;
import akka.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.carousel.engine.ScoringModel;
import io.carousel.http.limits.ConnectionGate;
import io.carousel.user.CarouselMetrics;
import io.carousel.user.Catalogue;
import io.carousel.user.CatalogueView;
import io.carousel.user.ItemAvailability;
import io.carousel.user.ModelView;
import io.carousel.user.ProfileDependencies;
import io.carousel.user.UserProfile;
import io.carousel.user.UserProfileSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A one-node Carousel for route tests: real sharding, real user actors, real routes on a free port,
 * with the in-memory journal and a hand-written scoring stand-in (item i scores −i) instead of
 * TensorFlow, so the HTTP contract is tested without a trained model.
 */
final class TestNode implements AutoCloseable {
  static final int ITEMS = FixedModel.ITEMS;
  final ActorTestKit kit;
  final akka.stream.javadsl.Tcp.ServerBinding binding;
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final CarouselMetrics metrics = new CarouselMetrics(registry);

  TestNode() throws Exception {
    this("");
  }

  /** A node with {@code overrides} (HOCON) over the test defaults. */
  TestNode(String overrides) throws Exception {
    this(overrides, null);
  }

  /**
   * A node with {@code overrides} whose routes use {@code auth} (built from the node's config and
   * HTTP settings by the function); null = from the config, open without keys.
   */
  TestNode(
      String overrides,
      java.util.function.BiFunction<Config, HttpSettings, io.carousel.http.auth.Authorizer> auth)
      throws Exception {
    this(overrides, auth, null);
  }

  /**
   * As above, with the abuse limits {@code admission} builds from the node's HTTP settings and
   * registry (null = from the config, with the JVM's real heap reading).
   */
  TestNode(
      String overrides,
      java.util.function.BiFunction<Config, HttpSettings, io.carousel.http.auth.Authorizer> auth,
      java.util.function.BiFunction<
              HttpSettings,
              io.micrometer.core.instrument.MeterRegistry,
              io.carousel.http.limits.Admission>
          admission)
      throws Exception {
    Config config =
        ConfigFactory.parseString(overrides)
            .withFallback(
                ConfigFactory.parseString(
                    "akka.actor.provider = cluster\n"
                        + "akka.remote.artery.canonical.hostname = 127.0.0.1\n"
                        + "akka.remote.artery.canonical.port = 0\n"
                        + "akka.cluster.jmx.multi-mbeans-in-same-jvm = on\n"
                        + "carousel.http.max-body-bytes = 4096\n"
                        + "akka.http.server.websocket.periodic-keep-alive-max-idle = 1s\n"))
            .withFallback(PersistenceTestKitPlugin.config())
            .withFallback(PersistenceTestKitSnapshotPlugin.config())
            .withFallback(ConfigFactory.load());
    kit = ActorTestKit.create("routes", config);
    Cluster cluster = Cluster.get(kit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    ModelView view = FixedModel.view();
    ActorRef<ScoringModel.Command> scoring = kit.spawn(FixedModel.scoring());
    ItemAvailability availability = new ItemAvailability(view.catalog());
    Catalogue.initSharding(kit.system(), Clock.systemUTC());
    kit.spawn(
        CatalogueView.create(
            availability,
            Duration.ofSeconds(30),
            java.util.concurrent.CompletableFuture.completedFuture(null)));
    ProfileDependencies deps =
        ProfileDependencies.of(
            view,
            scoring,
            UserProfileSettings.fromConfig(config),
            Clock.systemUTC(),
            metrics,
            availability);
    UserProfile.initSharding(kit.system(), deps);
    HttpSettings http = HttpSettings.fromConfig(config);
    CarouselRoutes routes =
        new CarouselRoutes(
            kit.system(),
            ClusterSharding.get(kit.system()),
            http,
            deps,
            registry,
            () -> true,
            auth != null
                ? auth.apply(config, http)
                : io.carousel.http.auth.Authorizer.fromConfig(
                    config, CarouselRoutes.ROUTE_TABLE, http.maxBodyBytes(), Clock.systemUTC()),
            admission != null
                ? admission.apply(http, registry)
                : new io.carousel.http.limits.Admission(
                    http.limits(),
                    registry,
                    io.carousel.http.limits.HeapGauge::afterLastGc,
                    System::nanoTime));
    binding =
        ConnectionGate.bind(
                kit.system(),
                "127.0.0.1",
                0,
                routes.routes().flow(kit.system()),
                BodyText.serverSettings(kit.system()),
                http)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  String base() {
    return "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  @Override
  public void close() {
    kit.shutdownTestKit();
  }
}
