package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.policy.EventType;
import io.carousel.user.UserProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disk per stored event of the embedded H2 journal in steady state: 100,000 interactions of 1,000
 * known shoppers and 10,000 slates (GETs of known users, each a logged SlateServed) through the
 * real user actors, then the file size against the rows' payload. Prints one line, {@code
 * JOURNAL-DISK ...}. {@code -Dcarousel.disk.maintenance=off} runs the same without {@link
 * io.carousel.http.journal.H2Maintenance} (the figure before the fix; nothing asserted).
 */
class JournalDiskIT {
  private static final int EVENTS = Integer.getInteger("carousel.disk.events", 100_000);
  private static final int SLATES = Integer.getInteger("carousel.disk.slates", 10_000);
  private static final int USERS = 1_000;
  private static final boolean MAINTENANCE =
      !"off".equals(System.getProperty("carousel.disk.maintenance"));
  private static final Duration ASK = Duration.ofSeconds(60);

  @Test
  void diskPerStoredEventStaysWithinThreeTimesItsPayload(@TempDir Path dir) throws Exception {
    String extra =
        MAINTENANCE
            ? ""
            : "carousel.h2-maintenance.compact-interval = 0\n"
                + "carousel.h2-maintenance.shutdown-compact = off\n";
    Path file = dir.resolve("journal/carousel.mv.db");
    long rows;
    long payload;
    long running;
    long t0 = System.nanoTime();
    try (H2Node node = new H2Node(dir, extra)) {
      Semaphore inFlight = new Semaphore(64);
      List<CompletableFuture<?>> all = new ArrayList<>();
      for (int i = 0; i < EVENTS; i++) {
        String user = "shopper-" + (i % USERS);
        int n = i;
        inFlight.acquire();
        all.add(
            node.sharding
                .entityRefFor(UserProfile.TYPE_KEY, user)
                .<UserProfile.Recorded>askWithStatus(
                    r ->
                        new UserProfile.RecordInteraction(
                            "e-" + n,
                            "item-" + (n * 7 % FixedModel.ITEMS),
                            EventType.CLICK,
                            1_764_410_400_000L + n,
                            null,
                            r),
                    ASK)
                .toCompletableFuture()
                .whenComplete((ok, failure) -> inFlight.release()));
      }
      for (int i = 0; i < SLATES; i++) {
        inFlight.acquire();
        all.add(
            node.sharding
                .entityRefFor(UserProfile.TYPE_KEY, "shopper-" + (i % USERS))
                .<UserProfile.SlateReply>askWithStatus(
                    r -> new UserProfile.Recommend(10, List.of(), null, r), ASK)
                .toCompletableFuture()
                .whenComplete((ok, failure) -> inFlight.release()));
      }
      // A slate whose scoring timed out on a loaded box is one row fewer, not a failed test.
      CompletableFuture.allOf(
              all.stream()
                  .map(f -> f.handle((ok, failure) -> ok))
                  .toArray(CompletableFuture[]::new))
          .join();
      long atEnd = Files.size(file);
      try (Connection c = node.jdbc();
          var st = c.createStatement();
          var rs =
              st.executeQuery(
                  "SELECT COUNT(*), SUM(OCTET_LENGTH(\"event_payload\")) FROM \"event_journal\"")) {
        rs.next();
        rows = rs.getLong(1);
        payload = rs.getLong(2);
      }
      try (Connection c = node.jdbc();
          var st = c.createStatement();
          var rs =
              st.executeQuery(
                  "SELECT COUNT(*), COALESCE(SUM(OCTET_LENGTH(\"snapshot_payload\")), 0)"
                      + " FROM \"snapshot\"")) {
        rs.next();
        payload += rs.getLong(2);
      }
      // Steady state: the node keeps running, idle; the periodic compaction catches up.
      running = Files.size(file);
      for (int s = 0; s < 60 && MAINTENANCE && running > 3 * payload; s++) {
        Thread.sleep(1_000);
        running = Files.size(file);
      }
      System.out.printf("JOURNAL-DISK file_bytes_right_after_load=%d%n", atEnd);
    }
    long closed = Files.size(file);
    double perRow = (double) running / rows;
    double payloadPerRow = (double) payload / rows;
    System.out.printf(
        "JOURNAL-DISK maintenance=%s events=%d slates=%d rows=%d payload_bytes_per_row=%.0f"
            + " file_bytes_running_settled=%d bytes_per_row_running=%.0f ratio_running=%.2f"
            + " file_bytes_after_shutdown=%d ratio_after_shutdown=%.2f seconds=%.0f%n",
        MAINTENANCE ? "on" : "off",
        EVENTS,
        SLATES,
        rows,
        payloadPerRow,
        running,
        perRow,
        perRow / payloadPerRow,
        closed,
        (double) closed / rows / payloadPerRow,
        (System.nanoTime() - t0) / 1e9);
    if (MAINTENANCE) {
      assertTrue(perRow <= 3 * payloadPerRow, "running: " + perRow + " B per row");
      assertTrue(closed <= running, "shutdown compaction never grows the file");
    }
  }

  /**
   * Writes {@code carousel.disk.cassandra.events} interactions (default 20,000) of 1,000 shoppers
   * and a tenth as many slates into the test Cassandra ({@link CassandraNode}) and prints the
   * payload bytes; the bytes on disk are read afterwards with {@code nodetool flush akka} and
   * {@code du} of the {@code akka/messages-*} folder (docs/durability.md). Runs only with {@code
   * -Dcarousel.disk.cassandra=true}.
   */
  @Test
  void cassandraBytesPerEvent() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("carousel.disk.cassandra"));
    int events = Integer.getInteger("carousel.disk.cassandra.events", 20_000);
    com.typesafe.config.Config config =
        com.typesafe.config.ConfigFactory.parseString(
                "akka.remote.artery.canonical.port = 0\n"
                    + "akka.loglevel = WARNING\n"
                    + "akka.coordinated-shutdown.exit-jvm = off\n")
            .withFallback(ManyUsersIT.cassandra())
            .withFallback(com.typesafe.config.ConfigFactory.parseResources("carousel.conf"))
            .withFallback(com.typesafe.config.ConfigFactory.defaultReference())
            .resolve();
    var kit = akka.actor.testkit.typed.javadsl.ActorTestKit.create("disk-cassandra", config);
    try {
      var cluster = akka.cluster.typed.Cluster.get(kit.system());
      cluster.manager().tell(akka.cluster.typed.Join.create(cluster.selfMember().address()));
      io.carousel.user.ProfileDependencies deps =
          io.carousel.user.ProfileDependencies.of(
              FixedModel.view(),
              kit.spawn(FixedModel.scoring()),
              io.carousel.user.UserProfileSettings.fromConfig(config),
              java.time.Clock.systemUTC(),
              new io.carousel.user.CarouselMetrics(
                  new io.micrometer.core.instrument.simple.SimpleMeterRegistry()),
              new io.carousel.user.ItemAvailability(FixedModel.view().catalog()));
      UserProfile.initSharding(kit.system(), deps);
      var sharding = akka.cluster.sharding.typed.javadsl.ClusterSharding.get(kit.system());
      String run = java.util.UUID.randomUUID().toString().substring(0, 8);
      Semaphore inFlight = new Semaphore(64);
      List<CompletableFuture<?>> all = new ArrayList<>();
      java.util.concurrent.atomic.AtomicLong ok = new java.util.concurrent.atomic.AtomicLong();
      for (int i = 0; i < events + events / 10; i++) {
        String user = "disk-" + run + "-" + (i % USERS);
        int n = i;
        inFlight.acquire();
        var ref = sharding.entityRefFor(UserProfile.TYPE_KEY, user);
        CompletableFuture<?> f =
            n < events
                ? ref.<UserProfile.Recorded>askWithStatus(
                        r ->
                            new UserProfile.RecordInteraction(
                                "e-" + n,
                                "item-" + (n * 7 % FixedModel.ITEMS),
                                EventType.CLICK,
                                1_764_410_400_000L + n,
                                null,
                                r),
                        ASK)
                    .toCompletableFuture()
                : ref.<UserProfile.SlateReply>askWithStatus(
                        r -> new UserProfile.Recommend(10, List.of(), null, r), ASK)
                    .toCompletableFuture();
        all.add(
            f.whenComplete(
                (v, failure) -> {
                  if (failure == null) {
                    ok.incrementAndGet();
                  }
                  inFlight.release();
                }));
      }
      CompletableFuture.allOf(
              all.stream().map(f -> f.handle((v, x) -> v)).toArray(CompletableFuture[]::new))
          .join();
      System.out.printf(
          "JOURNAL-DISK-CASSANDRA run=%s rows_acknowledged=%d (then: nodetool flush akka; du)%n",
          run, ok.get());
    } finally {
      kit.shutdownTestKit();
    }
  }
}
