package io.carousel.user;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.pattern.StatusReply;
import akka.persistence.jdbc.testkit.javadsl.SchemaUtils;
import io.carousel.engine.ScoringModel;
import io.carousel.policy.EventType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Writes the journal fixture {@link JournalReplayTest} replays: an embedded H2 journal with every
 * event and snapshot type the user actors persist, and {@code expected.json}, this build's reading
 * of it. Run it only to make a NEW fixture with the code of the day (the committed one must stay as
 * the release wrote it; a new one goes in a new folder beside it), from the repository root:
 *
 * <pre>
 * mvn -B -o -q -pl user-actors -am test -Dtest=JournalFixtureGenerator \
 *     -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dcarousel.fixture.out=$PWD/user-actors/src/test/resources/fixtures/journal-NEW
 * </pre>
 *
 * (the one test here runs only with {@code carousel.fixture.out} set; or run {@code main} from an
 * IDE with the module's test classpath). It prints the values that {@link JournalReplayTest}
 * asserts; slates are chosen with randomness, so a new fixture needs new values there.
 */
public final class JournalFixtureGenerator {

  /** Writes the fixture into {@code carousel.fixture.out}; skipped unless that property is set. */
  @org.junit.jupiter.api.Test
  @org.junit.jupiter.api.condition.EnabledIfSystemProperty(
      named = "carousel.fixture.out",
      matches = ".+")
  void generate() throws Exception {
    main(new String[] {System.getProperty("carousel.fixture.out")});
  }

  /** Writes the fixture into {@code args[0]} (default: the committed fixture's folder). */
  public static void main(String[] args) throws Exception {
    Path out =
        Path.of(
            args.length > 0
                ? args[0]
                : "user-actors/src/test/resources/" + JournalFixture.RESOURCE);
    deleteRecursively(out);
    Files.createDirectories(out);
    ActorTestKit kit = ActorTestKit.create("fixture", JournalFixture.config(out));
    try {
      SchemaUtils.createIfNotExists(kit.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
      ActorRef<ScoringModel.Command> scoring =
          kit.spawn(new FakeScoring().behavior(TestModel.ITEMS));
      ProfileDependencies deps = JournalFixture.deps(scoring);
      new Writer(kit, deps).writeAll();
      String expected = JournalFixture.describe(kit.system(), deps);
      Files.writeString(out.resolve(JournalFixture.EXPECTED), expected);
      System.out.println(expected);
    } finally {
      kit.shutdownTestKit();
    }
    // As the server's shutdown does (H2Maintenance): rewrite the file to its live data.
    try (Connection c =
        DriverManager.getConnection(
            "jdbc:h2:file:" + out.toAbsolutePath() + "/journal/carousel", "carousel", "")) {
      c.createStatement().execute("SHUTDOWN COMPACT");
    }
    System.out.println(
        "wrote " + out + " (" + Files.size(out.resolve(JournalFixture.DB_FILE)) + " B journal)");
  }

  /** Drives the real entities through every persisted type. */
  private static final class Writer {
    private final ActorTestKit kit;
    private final ProfileDependencies deps;

    Writer(ActorTestKit kit, ProfileDependencies deps) {
      this.kit = kit;
      this.deps = deps;
    }

    void writeAll() throws Exception {
      alice();
      bob();
      carol();
      dave();
      catalogue();
    }

    /** Every interaction type, a batch, a duplicate, rewards on two slates, snapshots at 4, 8. */
    private void alice() {
      ActorRef<UserProfile.Command> a = kit.spawn(UserProfile.create(JournalFixture.ALICE, deps));
      record(a, "a1", "item-3", EventType.VIEW, 1_000L, null); // 1
      record(a, "a2", "item-5", EventType.CLICK, 2_000L, null); // 2
      UserProfile.SlateReply s1 = recommend(a, 5, List.of(), null); // 3
      String first = s1.items().get(1).itemId();
      record(a, "a3", first, EventType.CLICK, 3_000L, s1.slateId()); // 4, 5 reward
      record(a, "a3", first, EventType.CLICK, 3_000L, s1.slateId()); // duplicate: nothing
      batch(
          a,
          List.of(
              new UserProfile.Interaction(
                  "a4", s1.items().get(2).itemId(), EventType.ADD_TO_CART, 4_000L, null),
              new UserProfile.Interaction(
                  "a5", s1.items().get(2).itemId(), EventType.PURCHASE, 5_000L, s1.slateId()),
              new UserProfile.Interaction(
                  "a6", "not-in-catalogue", EventType.VIEW, 6_000L, null))); // 6..9
      UserProfile.SlateReply s2 = recommend(a, 4, List.of("item-0"), null); // 10
      record(a, "a7", s2.items().get(0).itemId(), EventType.VIEW, 7_000L, s2.slateId()); // 11, 12
      System.out.println("alice slates " + s1 + "\n  " + s2);
      stop(a);
    }

    private void bob() {
      ActorRef<UserProfile.Command> b = kit.spawn(UserProfile.create(JournalFixture.BOB, deps));
      record(b, "b1", "item-7", EventType.VIEW, 10_000L, null);
      record(b, "b2", "item-8", EventType.VIEW, 11_000L, null);
      UserProfile.SlateReply s = recommend(b, 3, List.of(), "item-9");
      System.out.println("bob slate " + s);
      stop(b);
    }

    private void carol() {
      ActorRef<UserProfile.Command> c = kit.spawn(UserProfile.create(JournalFixture.CAROL, deps));
      record(c, "c1", "item-1", EventType.CLICK, 20_000L, null);
      recommend(c, 3, List.of(), null);
      TestProbe<StatusReply<Done>> forgot = kit.createTestProbe();
      c.tell(new UserProfile.Forget(forgot.ref()));
      forgot.expectMessage(java.time.Duration.ofSeconds(20), StatusReply.ack());
      record(c, "c2", "item-2", EventType.VIEW, 21_000L, null);
      stop(c);
    }

    /** A UserForgotten left undeleted (a node stopped before erasing), then a new interaction. */
    private void dave() throws Exception {
      ActorRef<UserProfile.Command> d = kit.spawn(UserProfile.create(JournalFixture.DAVE, deps));
      record(d, "d1", "item-4", EventType.PURCHASE, 30_000L, null);
      stop(d);
      ActorRef<Object> raw = kit.spawn(JournalFixture.user(JournalFixture.DAVE, deps, true));
      TestProbe<Done> done = kit.createTestProbe();
      raw.tell(
          new JournalFixture.Append(
              new UserProfile.UserForgotten(TestModel.CLOCK.millis()), done.ref().unsafeUpcast()));
      done.expectMessage(java.time.Duration.ofSeconds(20), Done.done());
      kit.stop(raw);
      d = kit.spawn(UserProfile.create(JournalFixture.DAVE, deps));
      record(d, "d2", "item-6", EventType.ADD_TO_CART, 31_000L, null);
      stop(d);
    }

    /** 101 upserts and a delete: a catalogue snapshot at 100, events after it. */
    private void catalogue() {
      ActorRef<Catalogue.Command> c = kit.spawn(Catalogue.create(TestModel.CLOCK));
      TestProbe<StatusReply<Catalogue.Upserted>> up = kit.createTestProbe();
      c.tell(
          new Catalogue.Upsert(
              List.of(
                  new Catalogue.ItemUpsert("new-1", "Red kettle", "1.7 l", "kitchen", 39.5, true),
                  new Catalogue.ItemUpsert("new-2", "Blue mug", "", "kitchen", null, false)),
              up.ref(),
              java.util.Set.of()));
      up.receiveMessage(java.time.Duration.ofSeconds(20));
      for (int i = 0; i < 99; i++) {
        c.tell(
            new Catalogue.Upsert(
                List.of(
                    new Catalogue.ItemUpsert(
                        "bulk-" + (i % 3), "Bulk " + i, "d" + i, "bulk", (double) i, i % 2 == 0)),
                up.ref(),
                java.util.Set.of()));
        up.receiveMessage(java.time.Duration.ofSeconds(20));
      }
      TestProbe<StatusReply<Boolean>> del = kit.createTestProbe();
      c.tell(new Catalogue.Delete("new-2", false, del.ref()));
      del.expectMessage(java.time.Duration.ofSeconds(20), StatusReply.success(true));
      c.tell(
          new Catalogue.Upsert(
              List.of(new Catalogue.ItemUpsert("item-3", "Known", "trained", "odd", 5.0, true)),
              up.ref(),
              java.util.Set.of("item-3")));
      up.receiveMessage(java.time.Duration.ofSeconds(20));
      kit.stop(c);
    }

    private void record(
        ActorRef<UserProfile.Command> user,
        String eventId,
        String item,
        EventType type,
        long t,
        String slateId) {
      TestProbe<StatusReply<UserProfile.Recorded>> p = kit.createTestProbe();
      user.tell(new UserProfile.RecordInteraction(eventId, item, type, t, slateId, p.ref()));
      p.receiveMessage(java.time.Duration.ofSeconds(20)).getValue();
    }

    private void batch(ActorRef<UserProfile.Command> user, List<UserProfile.Interaction> lines) {
      TestProbe<StatusReply<UserProfile.BatchRecorded>> p = kit.createTestProbe();
      user.tell(new UserProfile.RecordInteractions(new ArrayList<>(lines), p.ref()));
      p.receiveMessage(java.time.Duration.ofSeconds(20)).getValue();
    }

    private UserProfile.SlateReply recommend(
        ActorRef<UserProfile.Command> user, int k, List<String> exclude, String context) {
      TestProbe<StatusReply<UserProfile.SlateReply>> p = kit.createTestProbe();
      user.tell(new UserProfile.Recommend(k, exclude, context, p.ref()));
      return p.receiveMessage(java.time.Duration.ofSeconds(20)).getValue();
    }

    private void stop(ActorRef<UserProfile.Command> user) {
      TestProbe<Object> watcher = kit.createTestProbe();
      user.tell(UserProfile.Passivate.INSTANCE);
      watcher.expectTerminated(user, java.time.Duration.ofSeconds(20));
    }
  }

  private static void deleteRecursively(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
