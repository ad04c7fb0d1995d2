package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.persistence.jdbc.testkit.javadsl.SchemaUtils;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.carousel.policy.EventType;
import io.carousel.user.CarouselMetrics;
import io.carousel.user.ItemAvailability;
import io.carousel.user.ProfileDependencies;
import io.carousel.user.ProfileSummary;
import io.carousel.user.UserProfile;
import io.carousel.user.UserProfileSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many users on the embedded H2 journal, with real cluster sharding: idle users are passivated
 * after {@code akka.cluster.sharding.passivation.default-strategy.idle-entity.timeout} and recover
 * on the next message; and (with {@code -Dcarousel.storm=true}) a recovery storm: {@link
 * #STORM_USERS} users with history, none in memory, touched at once under {@code
 * akka.persistence.max-concurrent-recoveries}, timed, with the live heap per active user taken from
 * two {@code jcmd GC.class_histogram}s (all passivated vs. all active).
 *
 * <p>Each storm user is a typical active shopper of the demo data: {@link #EVENTS_PER_USER} clicks
 * on 64-dimensional items (the model's width), one slate of 10 served and one click on it (so the
 * user has its own bandit posterior and a pending slate with features). Before the idle histogram
 * the whole journal table is read once through JDBC, so H2's page cache (bounded, not per user) is
 * warm in both histograms and the difference is the users' own memory.
 *
 * <p>The same storm runs on Cassandra ({@link CassandraNode}) with users of 3 clicks each, timed
 * only (the driver's own buffers make a heap figure there meaningless per user).
 */
class ManyUsersIT {
  private static final int STORM_USERS = Integer.getInteger("carousel.storm.users", 10_000);
  // Slates per storm user, each followed by a click on its first item: 1 is a browsing shopper
  // (its few bandit observations stay raw), 3 a returning one (its bandit state is a full matrix).
  private static final int STORM_SLATES = Integer.getInteger("carousel.storm.slates", 1);
  private static final int EVENTS_PER_USER = 10;
  private static final int DIM = 64;
  private static final Duration ASK = Duration.ofSeconds(60);

  /** One actor system with sharded user profiles on the H2 file under {@code dataDir}. */
  private static final class Node implements AutoCloseable {
    final ActorTestKit kit;
    final ClusterSharding sharding;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final Config config;

    Node(Path dataDir, String idleTimeout) throws Exception {
      this(dataDir, idleTimeout, embedded(""));
    }

    /**
     * @param persistence the journal's configuration: {@link #embedded} or {@link #cassandra}
     */
    Node(Path dataDir, String idleTimeout, Config persistence) throws Exception {
      config =
          ConfigFactory.parseString(
                  "akka.remote.artery.canonical.port = 0\n"
                      + "akka.cluster.jmx.multi-mbeans-in-same-jvm = on\n"
                      + "akka.loglevel = WARNING\n"
                      + "akka.coordinated-shutdown.exit-jvm = off\n"
                      + "akka.cluster.sharding.passivation.default-strategy.idle-entity.timeout"
                      + " = "
                      + idleTimeout
                      + "\n"
                      + "carousel.data-dir = \""
                      + dataDir
                      + "\"\n")
              .withFallback(persistence)
              .withFallback(ConfigFactory.parseResources("carousel.conf"))
              .withFallback(ConfigFactory.defaultReference())
              .resolve();
      kit = ActorTestKit.create("many-users", config);
      Cluster cluster = Cluster.get(kit.system());
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
      if (config.getString("carousel.persistence.kind").equals("embedded")) {
        SchemaUtils.createIfNotExists(kit.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      ProfileDependencies deps =
          ProfileDependencies.of(
              FixedModel.view(DIM),
              kit.spawn(FixedModel.scoring()),
              UserProfileSettings.fromConfig(config),
              Clock.systemUTC(),
              new CarouselMetrics(registry),
              new ItemAvailability(FixedModel.view().catalog()));
      UserProfile.initSharding(kit.system(), deps);
      sharding = ClusterSharding.get(kit.system());
    }

    CompletableFuture<UserProfile.Recorded> record(String userId, String eventId, int item) {
      return record(userId, eventId, "item-" + item, null);
    }

    CompletableFuture<UserProfile.Recorded> record(
        String userId, String eventId, String itemId, String slateId) {
      return sharding
          .entityRefFor(UserProfile.TYPE_KEY, userId)
          .<UserProfile.Recorded>askWithStatus(
              r ->
                  new UserProfile.RecordInteraction(
                      eventId,
                      itemId,
                      EventType.CLICK,
                      1_764_410_400_000L + Math.floorMod(eventId.hashCode(), 1_000_000),
                      slateId,
                      r),
              ASK)
          .toCompletableFuture();
    }

    CompletableFuture<UserProfile.SlateReply> recommend(String userId) {
      return sharding
          .entityRefFor(UserProfile.TYPE_KEY, userId)
          .<UserProfile.SlateReply>askWithStatus(
              r -> new UserProfile.Recommend(10, List.of(), null, r), ASK)
          .toCompletableFuture();
    }

    /** Reads every journal row once through JDBC: H2's page cache then holds the whole journal. */
    long readWholeJournal() throws Exception {
      Config db = config.getConfig("akka-persistence-jdbc.shared-databases.slick.db");
      try (java.sql.Connection c =
              java.sql.DriverManager.getConnection(
                  db.getString("url"), db.getString("user"), db.getString("password"));
          java.sql.Statement st = c.createStatement();
          java.sql.ResultSet rs = st.executeQuery("SELECT * FROM \"event_journal\"")) {
        long rows = 0;
        while (rs.next()) {
          rs.getBytes("event_payload");
          rows++;
        }
        return rows;
      }
    }

    CompletableFuture<ProfileSummary> summary(String userId) {
      return sharding
          .entityRefFor(UserProfile.TYPE_KEY, userId)
          .<ProfileSummary>askWithStatus(UserProfile.GetSummary::new, ASK)
          .toCompletableFuture();
    }

    int maxConcurrentRecoveries() {
      return config.getInt("akka.persistence.max-concurrent-recoveries");
    }

    double activeUsers() {
      return registry.get("carousel.users.active").gauge().value();
    }

    @Override
    public void close() {
      kit.shutdownTestKit();
    }
  }

  /**
   * The embedded H2 journal, with {@code h2Settings} (e.g. {@code ;CACHE_SIZE=1024}) on its URL.
   */
  static Config embedded(String h2Settings) {
    return ConfigFactory.parseString(
            "akka-persistence-jdbc.shared-databases.slick.db.url ="
                + " ${akka-persistence-jdbc.shared-databases.slick.db.url}\""
                + h2Settings
                + "\"\n")
        .withFallback(ConfigFactory.parseResources("persistence-embedded.conf"));
  }

  /** The Cassandra journal of the integration tests ({@link CassandraNode}). */
  static Config cassandra() {
    CassandraNode.ensureRunning();
    return ConfigFactory.parseString(
            "carousel.cassandra.contact-point = \"" + CassandraNode.CONTACT_POINT + "\"\n")
        .withFallback(ConfigFactory.parseResources("persistence-cassandra.conf"));
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void passivatesIdleUserAfterConfiguredTimeoutAndRecoversIt(@TempDir Path dir) throws Exception {
    try (Node node = new Node(dir, "1s")) {
      String userId = "idle-" + UUID.randomUUID();
      node.record(userId, "p-1", 1).get(30, TimeUnit.SECONDS);
      node.record(userId, "p-2", 2).get(30, TimeUnit.SECONDS);
      assertEquals(1.0, node.activeUsers(), "the user actor is in memory");
      for (int i = 0; i < 150 && node.activeUsers() > 0; i++) {
        Thread.sleep(100);
      }
      assertEquals(0.0, node.activeUsers(), "passivated after 1 s idle");
      ProfileSummary s = node.summary(userId).get(30, TimeUnit.SECONDS);
      assertEquals(2, s.eventCount(), "recovered from the journal on the next message");
      assertEquals(List.of("item-1", "item-2"), s.recentItems());
      assertEquals(1.0, node.activeUsers());
    }
  }

  /** Outcome of touching every user of a storm at once. */
  private record Storm(double seconds, int failed, int wrong) {}

  /**
   * Writes {@code users} users of {@code clicks} clicks each, then {@code slates} times a slate of
   * 10 and one click on its first item; 256 users in flight at a time.
   */
  private static void writeUsers(Node writer, String run, int users, int clicks, int slates)
      throws Exception {
    Semaphore inFlight = new Semaphore(256);
    List<CompletableFuture<?>> writes = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      inFlight.acquire();
      String user = run + "-u" + u;
      String prefix = run + "-" + u + "-";
      int first = u % FixedModel.ITEMS;
      CompletableFuture<?> chain = CompletableFuture.completedFuture(null);
      for (int e = 0; e < clicks; e++) {
        int item = (first + e) % FixedModel.ITEMS;
        String eventId = prefix + e;
        chain = chain.thenCompose(x -> writer.record(user, eventId, item));
      }
      for (int n = 0; n < slates; n++) {
        String clickId = prefix + "slate-click-" + n;
        chain =
            chain
                .thenCompose(x -> writer.recommend(user))
                .thenCompose(
                    s -> writer.record(user, clickId, s.items().get(0).itemId(), s.slateId()));
      }
      writes.add(chain.whenComplete((r, f) -> inFlight.release()));
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
  }

  /**
   * Touches every user at once (none is in memory) and checks each recovered state. The summaries
   * are checked and dropped, so a heap histogram afterwards holds only what the actors keep.
   */
  private static Storm touchAll(Node node, String run, int users, long events, long slates)
      throws Exception {
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger wrong = new AtomicInteger();
    long start = System.nanoTime();
    List<CompletableFuture<Void>> touches = new ArrayList<>(users);
    for (int u = 0; u < users; u++) {
      touches.add(
          node.summary(run + "-u" + u)
              .thenAccept(
                  s -> {
                    if (s.eventCount() != events || s.slatesServed() != slates) {
                      wrong.incrementAndGet();
                    }
                  })
              .exceptionally(
                  f -> {
                    failed.incrementAndGet();
                    return null;
                  }));
    }
    CompletableFuture.allOf(touches.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
    return new Storm((System.nanoTime() - start) / 1e9, failed.get(), wrong.get());
  }

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void recoveryStormOfPassivatedUsersCompletesWithoutTimeouts(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(Boolean.getBoolean("carousel.storm"), "set -Dcarousel.storm=true");
    String run = "storm-" + UUID.randomUUID().toString().substring(0, 8);
    try (Node writer = new Node(dir, "10 minutes")) {
      writeUsers(writer, run, STORM_USERS, EVENTS_PER_USER, STORM_SLATES);
    }
    // A new node on the same journal: no user in memory, exactly like after passivation. H2's page
    // cache is capped at 4 MB and filled by a scan of the whole journal before the idle histogram,
    // so both histograms hold a full cache and the difference is the users' own memory.
    try (Node node = new Node(dir, "10 minutes", embedded(";CACHE_SIZE=4096"))) {
      node.summary("warm-up-" + run).get(60, TimeUnit.SECONDS);
      long journalRows = node.readWholeJournal();
      long heapIdle = liveHeapBytes("idle");
      Storm storm = touchAll(node, run, STORM_USERS, EVENTS_PER_USER + STORM_SLATES, STORM_SLATES);
      double active = node.activeUsers();
      long heapActive = liveHeapBytes("active");
      String figures =
          String.format(
              Locale.ROOT,
              "RECOVERY-STORM users=%d events_per_user=%d slates_per_user=%d item_dim=%d"
                  + " journal=h2 journal_rows=%d max_concurrent_recoveries=%d"
                  + " storm_s=%.1f recoveries_per_s=%.0f timeouts=%d wrong_state=%d active=%.0f"
                  + " live_heap_idle_mb=%.1f live_heap_active_mb=%.1f bytes_per_active_user=%d",
              STORM_USERS,
              EVENTS_PER_USER + STORM_SLATES,
              STORM_SLATES,
              DIM,
              journalRows,
              node.maxConcurrentRecoveries(),
              storm.seconds(),
              STORM_USERS / storm.seconds(),
              storm.failed(),
              storm.wrong(),
              active,
              heapIdle / 1e6,
              heapActive / 1e6,
              (heapActive - heapIdle) / STORM_USERS);
      System.out.println(figures);
      Files.writeString(Path.of("target", "recovery-storm.txt"), figures + System.lineSeparator());
      assertEquals(0, storm.failed(), figures);
      assertEquals(0, storm.wrong(), figures);
      assertEquals(STORM_USERS + 1.0, active, figures);
      assertTrue(heapActive > heapIdle, figures);
    }
  }

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void recoveryStormOnCassandraCompletesWithoutTimeouts(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(Boolean.getBoolean("carousel.storm"), "set -Dcarousel.storm=true");
    String run = "cstorm-" + UUID.randomUUID().toString().substring(0, 8);
    int clicks = 3;
    try (Node writer = new Node(dir, "10 minutes", cassandra())) {
      writeUsers(writer, run, STORM_USERS, clicks, 0);
    }
    try (Node node = new Node(dir, "10 minutes", cassandra())) {
      node.summary("warm-up-" + run).get(60, TimeUnit.SECONDS);
      Storm storm = touchAll(node, run, STORM_USERS, clicks, 0);
      String figures =
          String.format(
              Locale.ROOT,
              "RECOVERY-STORM users=%d events_per_user=%d journal=cassandra"
                  + " max_concurrent_recoveries=%d storm_s=%.1f recoveries_per_s=%.0f timeouts=%d"
                  + " wrong_state=%d active=%.0f",
              STORM_USERS,
              clicks,
              node.maxConcurrentRecoveries(),
              storm.seconds(),
              STORM_USERS / storm.seconds(),
              storm.failed(),
              storm.wrong(),
              node.activeUsers());
      System.out.println(figures);
      Files.writeString(
          Path.of("target", "recovery-storm-cassandra.txt"), figures + System.lineSeparator());
      assertEquals(0, storm.failed(), figures);
      assertEquals(0, storm.wrong(), figures);
    }
  }

  /**
   * Returns the live heap of this JVM in bytes: the {@code Total} line of {@code jcmd <pid>
   * GC.class_histogram}, which runs a full GC first, so only reachable objects count. The whole
   * histogram is kept as {@code target/heap-<label>.txt} to see which classes a user costs.
   */
  private static long liveHeapBytes(String label) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p =
        new ProcessBuilder(
                jcmd.toString(), Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
            .redirectErrorStream(true)
            .start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "jcmd finished");
    java.nio.file.Files.writeString(Path.of("target", "heap-" + label + ".txt"), out);
    for (String line : out.split("\n")) {
      String t = line.strip();
      if (t.startsWith("Total")) {
        String[] parts = t.split("\\s+");
        return Long.parseLong(parts[parts.length - 1]);
      }
    }
    throw new IllegalStateException("no Total line in jcmd output:\n" + out);
  }
}
