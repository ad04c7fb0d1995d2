package io.carousel.user;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.pattern.StatusReply;
import akka.persistence.SelectedSnapshot;
import akka.persistence.jdbc.testkit.javadsl.SchemaUtils;
import io.carousel.policy.EventType;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal written by the release of commit a2974e9 ({@code fixtures/journal-a2974e9}: the
 * embedded H2 journal as {@code carousel serve} writes it, made by {@link JournalFixtureGenerator})
 * replays on this build: every persisted event and snapshot class still deserializes under its
 * stored manifest, every field under its stored name, and the entities recover the values the
 * release had. A renamed persisted class fails recovery; a renamed field changes {@code
 * expected.json}'s comparison (Jackson would silently read the old name as a default) and the
 * values below.
 */
class JournalReplayTest {
  @TempDir static Path dataDir;

  private static ActorTestKit kit;
  private static ProfileDependencies deps;

  @BeforeAll
  static void openTheReleasedJournal() throws Exception {
    // H2 writes to a file it opens: replay a copy, never the committed fixture.
    Path journal = dataDir.resolve(JournalFixture.DB_FILE);
    Files.createDirectories(journal.getParent());
    Files.copy(resource(JournalFixture.DB_FILE), journal);
    kit = ActorTestKit.create("replay", JournalFixture.config(dataDir));
    // As the server starts (CarouselServer.journalReady): a no-op on an existing schema.
    SchemaUtils.createIfNotExists(kit.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    deps = JournalFixture.deps(kit.spawn(new FakeScoring().behavior(TestModel.ITEMS)));
  }

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  private static Path resource(String name) throws Exception {
    URL url = JournalReplayTest.class.getClassLoader().getResource(JournalFixture.RESOURCE);
    return Path.of(url.toURI()).resolve(name);
  }

  @Test
  void everyEventAndSnapshotReadsAsTheReleaseWroteIt() throws Exception {
    String expected = Files.readString(resource(JournalFixture.EXPECTED));
    assertEquals(expected, JournalFixture.describe(kit.system(), deps));
  }

  @Test
  void aliceRecoversHerCountsPendingSlateAndPosteriorFromSnapshotAndEvents() throws Exception {
    UserState fromSnapshot =
        (UserState) JournalFixture.recover(kit.system(), JournalFixture.user("alice", deps, true));
    UserState fromEvents =
        (UserState) JournalFixture.recover(kit.system(), JournalFixture.user("alice", deps, false));
    assertEquals(fromEvents, fromSnapshot);
    UserState s = fromSnapshot;
    // 3 views (one on an item the catalogue lacks), 2 clicks, 1 add-to-cart, 1 purchase.
    assertArrayEquals(new long[] {3, 2, 1, 1}, s.eventsByType());
    assertEquals(
        List.of("item-3", "item-5", "item-1", "item-23", "item-23", "not-in-catalogue", "item-2"),
        s.recentItems());
    assertEquals(List.of(new UserState.Purchase("item-23", 5_000L)), s.purchases());
    assertEquals(7_000L, s.lastEventTimeMs());
    assertEquals(7_000L, s.sessionTimeMs());
    assertEquals(8, s.session().length);
    assertEquals(0.13591051f, s.session()[0], 1e-7f);
    assertEquals(2, s.slatesServed());
    assertEquals(3, s.rewardsObserved());
    assertEquals(2.2, s.rewardSum(), 1e-12);
    // The first slate's five slots were learned when the second was served; pooled-prior form.
    assertEquals(5, s.policyState().updates());
    assertEquals(18, s.policyState().dim());
    assertEquals(1000.0, s.userStrength());
    assertEquals("alice/2.3fahxf7k", s.pending().slateId());
    assertEquals(List.of("item-2", "item-18", "item-4", "item-6"), s.pending().itemIds());
    assertArrayEquals(new double[] {0.2, 0, 0, 0}, s.pending().rewards());
    assertEquals(18, s.pending().k());
    assertTrue(s.hasEvent("a1") && s.hasEvent("a7"), "idempotency log recovered");

    SelectedSnapshot snapshot = JournalFixture.latestSnapshot(kit.system(), "UserProfile|alice");
    assertEquals(9, snapshot.metadata().sequenceNr());
    UserState atNine = (UserState) snapshot.snapshot();
    assertArrayEquals(new long[] {2, 2, 1, 1}, atNine.eventsByType());
    assertEquals("alice/1.1of5khxn", atNine.pending().slateId());
    assertArrayEquals(new double[] {0, 1, 1, 0, 0}, atNine.pending().rewards());
    assertEquals(2.0, atNine.rewardSum(), 1e-12);
  }

  @Test
  void theRealUserActorRecoversAliceAndKnowsHerEventIds() {
    ActorRef<UserProfile.Command> alice = kit.spawn(UserProfile.create("alice", deps));
    TestProbe<StatusReply<ProfileSummary>> summary = kit.createTestProbe();
    alice.tell(new UserProfile.GetSummary(summary.ref()));
    ProfileSummary p = summary.receiveMessage(Duration.ofSeconds(20)).getValue();
    assertEquals(
        Map.of("view", 3L, "click", 2L, "add_to_cart", 1L, "purchase", 1L), p.eventsByType());
    assertEquals(7, p.eventCount());
    assertEquals(2, p.slatesServed());
    assertEquals(3, p.rewardsObserved());
    assertEquals(2.2, p.rewardSum(), 1e-12);
    assertEquals(5, p.posteriorUpdates());
    TestProbe<StatusReply<UserProfile.Recorded>> recorded = kit.createTestProbe();
    alice.tell(
        new UserProfile.RecordInteraction(
            "a3", "item-1", EventType.CLICK, 3_000L, null, recorded.ref()));
    assertEquals(
        new UserProfile.Recorded("a3", true, 7),
        recorded.receiveMessage(Duration.ofSeconds(20)).getValue());
    kit.stop(alice);
  }

  @Test
  void bobCarolAndDaveRecoverTheirSlateAndTheirForgetting() throws Exception {
    UserState bob =
        (UserState) JournalFixture.recover(kit.system(), JournalFixture.user("bob", deps, true));
    assertArrayEquals(new long[] {2, 0, 0, 0}, bob.eventsByType());
    assertEquals(List.of("item-7", "item-8"), bob.recentItems());
    assertEquals("bob/1.9m0wn5q1", bob.pending().slateId());
    assertEquals(List.of("item-0", "item-1", "item-28"), bob.pending().itemIds());
    assertEquals(0, bob.policyState().updates());

    // Forgotten (events and snapshot before it deleted), then back with one view.
    UserState carol =
        (UserState) JournalFixture.recover(kit.system(), JournalFixture.user("carol", deps, true));
    assertArrayEquals(new long[] {1, 0, 0, 0}, carol.eventsByType());
    assertEquals(List.of("item-2"), carol.recentItems());
    assertEquals(0, carol.slatesServed());
    assertNull(carol.pending());
    assertEquals(
        4,
        JournalFixture.latestSnapshot(kit.system(), "UserProfile|carol").metadata().sequenceNr());

    // UserForgotten replayed: the purchase before it is gone, the add-to-cart after it stays.
    UserState dave =
        (UserState) JournalFixture.recover(kit.system(), JournalFixture.user("dave", deps, true));
    assertArrayEquals(new long[] {0, 0, 1, 0}, dave.eventsByType());
    assertEquals(List.of("item-6"), dave.recentItems());
    assertEquals(List.of(), dave.purchases());
    assertTrue(dave.hasEvent("d2") && !dave.hasEvent("d1"));
  }

  @Test
  void theCatalogueRecoversItemsFromItsSnapshotAndLaterEvents() throws Exception {
    assertEquals(
        100,
        JournalFixture.latestSnapshot(kit.system(), JournalFixture.CATALOGUE.id())
            .metadata()
            .sequenceNr());
    ActorRef<Catalogue.Command> catalogue = kit.spawn(Catalogue.create(TestModel.CLOCK));
    TestProbe<Catalogue.Texts> texts = kit.createTestProbe();
    catalogue.tell(new Catalogue.GetTexts(List.of("new-1", "new-2", "bulk-1"), texts.ref()));
    assertEquals(
        List.of(
            new Catalogue.ItemText(
                "new-1",
                "Red kettle",
                "1.7 l",
                "kitchen",
                true,
                Catalogue.textHash("Red kettle", "1.7 l"),
                false),
            new Catalogue.ItemText(
                "new-2",
                "Blue mug",
                "",
                "kitchen",
                false,
                Catalogue.textHash("Blue mug", ""),
                true),
            new Catalogue.ItemText(
                "bulk-1",
                "Bulk 97",
                "d97",
                "bulk",
                false,
                Catalogue.textHash("Bulk 97", "d97"),
                false)),
        texts.receiveMessage(Duration.ofSeconds(20)).items());
    TestProbe<Catalogue.Page> page = kit.createTestProbe();
    catalogue.tell(new Catalogue.GetPage(null, 10, page.ref()));
    Catalogue.Page all = page.receiveMessage(Duration.ofSeconds(20));
    assertEquals(
        List.of("bulk-0", "bulk-1", "bulk-2", "item-3", "new-1", "new-2"),
        all.items().stream().map(Catalogue.Availability::itemId).toList());
    assertEquals(102, all.seqNr());
    assertTrue(all.last());
    Catalogue.State state =
        (Catalogue.State) JournalFixture.recover(kit.system(), JournalFixture.catalogue(true));
    assertEquals(
        new Catalogue.ItemState(
            "Red kettle", "1.7 l", "kitchen", 39.5, true, false, 1795953600000L),
        state.items().get("new-1"));
    assertEquals(98.0, state.items().get("bulk-2").price());
    kit.stop(catalogue);
  }
}
