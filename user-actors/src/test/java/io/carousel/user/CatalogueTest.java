package io.carousel.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.pubsub.Topic;
import akka.pattern.StatusReply;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The catalogue entity pages its availability in id order and publishes only deltas. */
class CatalogueTest {
  private static final ActorTestKit TESTKIT =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));

  @AfterAll
  static void shutdown() {
    TESTKIT.shutdownTestKit();
  }

  private static EventSourcedBehaviorTestKit<Catalogue.Command, Catalogue.Event, Catalogue.State>
      catalogue() {
    return EventSourcedBehaviorTestKit.create(TESTKIT.system(), Catalogue.create(TestModel.CLOCK));
  }

  private static Catalogue.ItemUpsert item(String id, boolean inStock, String category) {
    return new Catalogue.ItemUpsert(
        id, "title " + id, "a long description", category, 9.5, inStock);
  }

  private static Catalogue.Upserted upsert(
      EventSourcedBehaviorTestKit<Catalogue.Command, Catalogue.Event, Catalogue.State> kit,
      List<Catalogue.ItemUpsert> items) {
    StatusReply<Catalogue.Upserted> reply =
        kit.<StatusReply<Catalogue.Upserted>>runCommand(r -> new Catalogue.Upsert(items, r))
            .reply();
    assertTrue(reply.isSuccess(), reply.toString());
    return reply.getValue();
  }

  private static List<Catalogue.Page> walk(
      EventSourcedBehaviorTestKit<Catalogue.Command, Catalogue.Event, Catalogue.State> kit,
      int limit) {
    List<Catalogue.Page> pages = new ArrayList<>();
    String after = null;
    while (true) {
      String a = after;
      Catalogue.Page page =
          kit.<Catalogue.Page>runCommand(r -> new Catalogue.GetPage(a, limit, r)).reply();
      pages.add(page);
      if (page.last()) {
        return pages;
      }
      after = page.items().get(page.items().size() - 1).itemId();
    }
  }

  private static List<String> ids(int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(String.format("i-%03d", i));
    }
    return ids;
  }

  @Test
  void pagesWalkEveryItemOnceInIdOrderAtMostPageSizeEach() {
    var kit = catalogue();
    List<String> ids = ids(300);
    List<String> shuffled = new ArrayList<>(ids);
    Collections.shuffle(shuffled, new Random(3));
    List<Catalogue.ItemUpsert> items = new ArrayList<>();
    for (String id : shuffled) {
      items.add(item(id, !id.endsWith("7"), id.endsWith("5") ? "shoes" : null));
    }
    assertEquals(new Catalogue.Upserted(300, 0), upsert(kit, items));
    assertTrue(
        kit.<StatusReply<Boolean>>runCommand(r -> new Catalogue.Delete("i-008", false, r))
            .reply()
            .getValue());

    // A limit above PAGE_SIZE is capped.
    List<Catalogue.Page> pages = walk(kit, 10_000);
    assertEquals(3, pages.size());
    assertEquals(List.of(128, 128, 44), pages.stream().map(p -> p.items().size()).toList());
    assertEquals(List.of(false, false, true), pages.stream().map(Catalogue.Page::last).toList());
    List<Catalogue.Availability> all = pages.stream().flatMap(p -> p.items().stream()).toList();
    assertEquals(ids, all.stream().map(Catalogue.Availability::itemId).toList());
    for (Catalogue.Availability a : all) {
      boolean deleted = a.itemId().equals("i-008");
      assertEquals(!a.itemId().endsWith("7") && !deleted, a.available(), a.toString());
      assertEquals(a.itemId().endsWith("5") ? "shoes" : null, a.category(), a.toString());
    }
    // Read after the upsert (1) and the delete (2).
    assertTrue(pages.stream().allMatch(p -> p.seqNr() == 2), pages.get(0).toString());

    // Small pages, an id between two stored ones, and a page past the end.
    List<Catalogue.Page> small = walk(kit, 7);
    assertEquals(43, small.size());
    Catalogue.Page mid =
        kit.<Catalogue.Page>runCommand(r -> new Catalogue.GetPage("i-0995", 2, r)).reply();
    assertEquals(
        List.of("i-100", "i-101"),
        mid.items().stream().map(Catalogue.Availability::itemId).toList());
    Catalogue.Page end =
        kit.<Catalogue.Page>runCommand(r -> new Catalogue.GetPage("i-299", 5, r)).reply();
    assertTrue(end.last() && end.items().isEmpty());

    // The sorted state survives a restart (events replayed through the serializer).
    kit.restart();
    assertEquals(
        all, walk(kit, Catalogue.PAGE_SIZE).stream().flatMap(p -> p.items().stream()).toList());
  }

  @Test
  void anEmptyCatalogueIsOneEmptyLastPage() {
    Catalogue.Page page =
        catalogue().<Catalogue.Page>runCommand(r -> new Catalogue.GetPage(null, 5, r)).reply();
    assertTrue(page.last());
    assertTrue(page.items().isEmpty());
    assertEquals(0, page.seqNr());
  }

  @Test
  void publishesOnlyTheChangedItemsInMessagesOfAtMostPageSize() {
    var kit = catalogue();
    TestProbe<Catalogue.AvailabilityChanged> probe = TESTKIT.createTestProbe();
    ActorRef<Topic.Command<Catalogue.AvailabilityChanged>> topic =
        TESTKIT.spawn(Topic.create(Catalogue.AvailabilityChanged.class, Catalogue.TOPIC));
    topic.tell(Topic.subscribe(probe.getRef()));
    // The topic instances find each other through the receptionist: upsert until one arrives.
    probe.awaitAssert(
        Duration.ofSeconds(10),
        Duration.ofMillis(200),
        () -> {
          upsert(kit, List.of(item("warm-up", true, null)));
          probe.expectMessageClass(Catalogue.AvailabilityChanged.class, Duration.ofMillis(150));
          return null;
        });

    List<Catalogue.ItemUpsert> items = new ArrayList<>();
    for (String id : ids(300)) {
      items.add(item(id, !id.equals("i-042"), "c"));
    }
    // An id twice in one batch: published once, with its last line's state.
    items.add(item("i-001", false, "late"));
    upsert(kit, items);
    List<Catalogue.AvailabilityChanged> got = new ArrayList<>();
    while (got.size() < 3) {
      Catalogue.AvailabilityChanged m = probe.receiveMessage();
      if (!m.items().get(0).itemId().equals("warm-up")) {
        got.add(m);
      }
    }
    probe.expectNoMessage(Duration.ofMillis(300));
    assertEquals(List.of(128, 128, 44), got.stream().map(m -> m.items().size()).toList());
    long seqNr = got.get(0).seqNr();
    assertTrue(got.stream().allMatch(m -> m.seqNr() == seqNr));
    List<Catalogue.Availability> changed = got.stream().flatMap(m -> m.items().stream()).toList();
    assertEquals(ids(300), changed.stream().map(Catalogue.Availability::itemId).toList());
    assertEquals(
        new Catalogue.Availability(
            "i-001", false, "late", Catalogue.textHash("title i-001", "a long description")),
        changed.get(1));
    assertFalse(changed.get(42).available());

    kit.<StatusReply<Boolean>>runCommand(r -> new Catalogue.Delete("i-007", false, r));
    Catalogue.AvailabilityChanged deleted = probe.receiveMessage();
    assertEquals(
        List.of(
            new Catalogue.Availability(
                "i-007", false, "c", Catalogue.textHash("title i-007", "a long description"))),
        deleted.items());
    assertEquals(seqNr + 1, deleted.seqNr());

    // A delete of an id nobody knows persists and publishes nothing.
    assertFalse(
        kit.<StatusReply<Boolean>>runCommand(r -> new Catalogue.Delete("nobody", false, r))
            .reply()
            .getValue());
    probe.expectNoMessage(Duration.ofMillis(300));
    assertNull(kit.getState().items().get("nobody"));
  }

  @Test
  void aSnapshotWrittenAsAnUnsortedMapLoadsSorted() throws Exception {
    // The former State held a HashMap; its CBOR is a plain map, in any order.
    var serialization =
        akka.serialization.SerializationExtension.get(TESTKIT.system().classicSystem());
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("title", "t");
    item.put("description", null);
    item.put("category", "c");
    item.put("price", null);
    item.put("inStock", false);
    item.put("deleted", false);
    item.put("updatedMs", 5L);
    Map<String, Object> items = new LinkedHashMap<>();
    items.put("b", item);
    items.put("a", item);
    byte[] bytes =
        new com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper()
            .writeValueAsBytes(Map.of("items", items));
    Object state =
        serialization
            .deserialize(
                bytes,
                serialization.serializerFor(Catalogue.State.class).identifier(),
                Catalogue.State.class.getName())
            .get();
    Catalogue.Page page = ((Catalogue.State) state).page(null, 10, 3);
    assertEquals(
        List.of(
            new Catalogue.Availability("a", false, "c", Catalogue.textHash("t", null)),
            new Catalogue.Availability("b", false, "c", Catalogue.textHash("t", null))),
        page.items());
  }

  @Test
  void deltasSplitIntoPagesInOrder() {
    List<Catalogue.Availability> items = new ArrayList<>();
    for (String id : ids(1000)) {
      items.add(new Catalogue.Availability(id, true, null));
    }
    List<Catalogue.AvailabilityChanged> deltas = Catalogue.deltas(items, 9);
    assertEquals(8, deltas.size());
    assertEquals(1000 - 7 * 128, deltas.get(7).items().size());
    assertEquals(items, deltas.stream().flatMap(d -> d.items().stream()).toList());
    assertTrue(Catalogue.deltas(List.of(), 1).isEmpty());
  }
}
