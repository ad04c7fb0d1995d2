package io.carousel.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The node's view walks the catalogue's pages, then replaces its overlay; deltas apply at once. */
class CatalogueViewTest {
  private static final ActorTestKit TESTKIT = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(5);

  @AfterAll
  static void shutdown() {
    TESTKIT.shutdownTestKit();
  }

  private static Catalogue.Availability a(String id, boolean available) {
    return new Catalogue.Availability(id, available, null);
  }

  private static void awaitAvailable(ItemAvailability availability, int index, boolean expected) {
    TESTKIT
        .createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              assertEquals(expected, availability.snapshot().available(index));
              return null;
            });
  }

  /** A view that reads its pages from {@code catalogue} and resyncs only at start. */
  private static ActorRef<Object> spawnView(
      ItemAvailability availability, TestProbe<Catalogue.Command> catalogue) {
    return TESTKIT.spawn(
        CatalogueView.create(
            availability,
            Duration.ofHours(1),
            CompletableFuture.completedFuture(null),
            catalogue.getRef(),
            WAIT));
  }

  @Test
  void walksThePagesThenReplacesAndKeepsADeltaNewerThanItsPage() {
    ItemAvailability availability = new ItemAvailability(TestModel.view().catalog());
    TestProbe<Catalogue.Command> catalogue = TESTKIT.createTestProbe();
    ActorRef<Object> view = spawnView(availability, catalogue);

    Catalogue.GetPage first = catalogue.expectMessageClass(Catalogue.GetPage.class);
    assertNull(first.afterItemId());
    assertEquals(Catalogue.PAGE_SIZE, first.limit());
    // Page 1 (read at seqNr 5): item-1 and item-10 are out of stock.
    first
        .replyTo()
        .tell(new Catalogue.Page(List.of(a("item-1", false), a("item-10", false)), false, 5));
    Catalogue.GetPage second = catalogue.expectMessageClass(Catalogue.GetPage.class);
    assertEquals("item-10", second.afterItemId());
    // Nothing is replaced before the last page.
    assertTrue(availability.snapshot().available(1));

    // During the walk: item-1 back in stock (seqNr 6 > page 1's 5) and a stale delta for item-10.
    view.tell(new Catalogue.AvailabilityChanged(List.of(a("item-1", true)), 6));
    view.tell(new Catalogue.AvailabilityChanged(List.of(a("item-10", true)), 5));
    awaitAvailable(availability, 10, true);
    assertTrue(availability.snapshot().available(1));

    second.replyTo().tell(new Catalogue.Page(List.of(a("item-2", false)), true, 6));
    awaitAvailable(availability, 2, false);
    ItemAvailability.Snapshot done = availability.snapshot();
    assertTrue(done.available(1), "the newer delta is kept over page 1");
    assertFalse(done.available(10), "the page is kept over a delta it already contains");
    assertEquals(2, done.unavailable().cardinality());

    // After the walk, deltas apply on top.
    view.tell(new Catalogue.AvailabilityChanged(List.of(a("item-3", false)), 7));
    awaitAvailable(availability, 3, false);
    catalogue.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void aDeltaThatOvertakesItsStalePageIsNotRolledBack() {
    ItemAvailability availability = new ItemAvailability(TestModel.view().catalog());
    TestProbe<Catalogue.Command> catalogue = TESTKIT.createTestProbe();
    ActorRef<Object> view = spawnView(availability, catalogue);
    Catalogue.GetPage first = catalogue.expectMessageClass(Catalogue.GetPage.class);
    first.replyTo().tell(new Catalogue.Page(List.of(a("item-1", true)), false, 5));
    Catalogue.GetPage second = catalogue.expectMessageClass(Catalogue.GetPage.class);

    // item-4 goes out of stock (seqNr 6) and its delta arrives before the page that was answered
    // at seqNr 5, when item-4 was still in stock; a stale delta for item-2 (seqNr 4) loses to it.
    view.tell(new Catalogue.AvailabilityChanged(List.of(a("item-4", false)), 6));
    view.tell(new Catalogue.AvailabilityChanged(List.of(a("item-2", false)), 4));
    awaitAvailable(availability, 4, false);
    second
        .replyTo()
        .tell(new Catalogue.Page(List.of(a("item-2", true), a("item-4", true)), true, 5));
    awaitAvailable(availability, 2, true);
    ItemAvailability.Snapshot done = availability.snapshot();
    assertFalse(done.available(4), "the newer delta survives the stale page");
    assertTrue(done.available(2), "the page is newer than the stale delta");
    assertEquals(1, done.unavailable().cardinality());
  }

  @Test
  void aLostPageAbandonsTheWalkAndKeepsTheOverlay() {
    ItemAvailability availability = new ItemAvailability(TestModel.view().catalog());
    availability.applyDelta(List.of(a("item-4", false)));
    TestProbe<Catalogue.Command> catalogue = TESTKIT.createTestProbe();
    TESTKIT.spawn(
        CatalogueView.create(
            availability,
            Duration.ofMillis(600),
            CompletableFuture.completedFuture(null),
            catalogue.getRef(),
            Duration.ofMillis(200)));
    catalogue.expectMessageClass(Catalogue.GetPage.class); // never answered
    Catalogue.GetPage retry = catalogue.expectMessageClass(Catalogue.GetPage.class, WAIT);
    assertNull(retry.afterItemId(), "the next tick starts over");
    assertFalse(availability.snapshot().available(4));
    retry.replyTo().tell(new Catalogue.Page(List.of(), true, 1));
    awaitAvailable(availability, 4, true);
  }
}
