package io.carousel.http;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.persistence.jdbc.testkit.javadsl.SchemaUtils;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.carousel.http.journal.H2Maintenance;
import io.carousel.user.CarouselMetrics;
import io.carousel.user.ItemAvailability;
import io.carousel.user.ProfileDependencies;
import io.carousel.user.UserProfile;
import io.carousel.user.UserProfileSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * A one-node Carousel on the embedded H2 journal under {@code dataDir}, as {@code serve} runs it
 * (persistence-embedded.conf, schema, {@link H2Maintenance}), with real routes on a free port and
 * the {@link FixedModel} stand-in for TensorFlow.
 */
final class H2Node implements AutoCloseable {
  final ActorTestKit kit;
  final ServerBinding binding;
  final Config config;
  final ClusterSharding sharding;
  final H2Maintenance maintenance;

  H2Node(Path dataDir, String extraConfig) throws Exception {
    config =
        ConfigFactory.parseString(
                extraConfig
                    + "\nakka.remote.artery.canonical.hostname = 127.0.0.1\n"
                    + "akka.remote.artery.canonical.port = 0\n"
                    + "akka.cluster.jmx.multi-mbeans-in-same-jvm = on\n"
                    + "akka.loglevel = INFO\n"
                    + "akka.coordinated-shutdown.exit-jvm = off\n"
                    + "akka.actor.testkit.typed.system-shutdown-default = 120s\n"
                    + "carousel.data-dir = \""
                    + dataDir
                    + "\"\n")
            .withFallback(ConfigFactory.parseResources("persistence-embedded.conf"))
            .withFallback(ConfigFactory.parseResources("carousel.conf"))
            .withFallback(ConfigFactory.defaultReference())
            .resolve();
    kit = ActorTestKit.create("h2-node", config);
    Cluster cluster = Cluster.get(kit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    SchemaUtils.createIfNotExists(kit.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    maintenance = H2Maintenance.start(kit.system(), config);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ProfileDependencies deps =
        ProfileDependencies.of(
                FixedModel.view(),
                kit.spawn(FixedModel.scoring()),
                UserProfileSettings.fromConfig(config),
                Clock.systemUTC(),
                new CarouselMetrics(new SimpleMeterRegistry()),
                new ItemAvailability(FixedModel.view().catalog()))
            .withPurge(io.carousel.http.journal.JournalPurge.of(kit.system(), config));
    UserProfile.initSharding(kit.system(), deps);
    sharding = ClusterSharding.get(kit.system());
    HttpSettings http = HttpSettings.fromConfig(config);
    CarouselRoutes routes =
        new CarouselRoutes(
            kit.system(),
            sharding,
            http,
            deps,
            registry,
            () -> true,
            io.carousel.http.auth.Authorizer.fromConfig(
                config, CarouselRoutes.ROUTE_TABLE, http.maxBodyBytes(), Clock.systemUTC()));
    binding =
        Http.get(kit.system())
            .newServerAt("127.0.0.1", 0)
            .bind(routes.routes())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  String base() {
    return "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  /** Opens a JDBC connection to the journal (the same in-process database). */
  Connection jdbc() throws SQLException {
    Config db = config.getConfig("akka-persistence-jdbc.shared-databases.slick.db");
    return DriverManager.getConnection(
        db.getString("url"), db.getString("user"), db.getString("password"));
  }

  /** Returns the number of rows of {@code table} ({@code event_journal}, {@code snapshot}). */
  long rows(String table) throws SQLException {
    try (Connection c = jdbc();
        var st = c.createStatement();
        var rs = st.executeQuery("SELECT COUNT(*) FROM \"" + table + "\"")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public void close() {
    kit.shutdownTestKit();
  }
}
