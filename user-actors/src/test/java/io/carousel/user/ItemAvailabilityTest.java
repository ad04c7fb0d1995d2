package io.carousel.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Deltas apply on top of the snapshot; a full resync replaces it; snapshots never change. */
class ItemAvailabilityTest {
  private static Catalogue.Availability a(String id, boolean available, String category) {
    return new Catalogue.Availability(id, available, category);
  }

  @Test
  void deltasApplyIncrementallyAndLeaveOlderSnapshotsAlone() {
    ItemAvailability availability = new ItemAvailability(TestModel.view().catalog());
    ItemAvailability.Snapshot start = availability.snapshot();
    assertTrue(start.available(3));
    assertEquals("odd", start.categories()[3]);

    availability.applyDelta(List.of(a("item-3", false, "shoes"), a("not-in-model", false, "x")));
    ItemAvailability.Snapshot one = availability.snapshot();
    assertFalse(one.available(3));
    assertEquals("shoes", one.categories()[3]);
    assertEquals(1, one.unavailable().cardinality());

    availability.applyDelta(List.of(a("item-4", false, null)));
    ItemAvailability.Snapshot two = availability.snapshot();
    assertFalse(two.available(3), "an item a delta does not name keeps its state");
    assertFalse(two.available(4));
    assertEquals("shoes", two.categories()[3]);
    assertEquals("even", two.categories()[4]);

    // Back in stock without a category: available, in the model's category again.
    availability.applyDelta(List.of(a("item-3", true, null)));
    ItemAvailability.Snapshot three = availability.snapshot();
    assertTrue(three.available(3));
    assertEquals("odd", three.categories()[3]);

    // Readers holding an older snapshot see it unchanged.
    assertTrue(start.available(3) && start.available(4));
    assertEquals("odd", start.categories()[3]);
    assertFalse(one.available(3));
    assertTrue(one.available(4));
    assertEquals("shoes", one.categories()[3]);
  }

  @Test
  void aResyncReplacesTheWholeOverlay() {
    ItemAvailability availability = new ItemAvailability(TestModel.view().catalog());
    availability.applyDelta(
        List.of(a("item-1", false, "gone"), a("item-2", false, null), a("item-5", true, "hats")));
    ItemAvailability.Snapshot before = availability.snapshot();

    availability.replace(List.of(a("item-2", true, "caps"), a("item-9", false, null)));
    ItemAvailability.Snapshot after = availability.snapshot();
    assertTrue(after.available(1), "not in the resync: available as trained");
    assertEquals("odd", after.categories()[1]);
    assertTrue(after.available(2));
    assertEquals("caps", after.categories()[2]);
    assertEquals("odd", after.categories()[5]);
    assertFalse(after.available(9));
    assertEquals(1, after.unavailable().cardinality());

    assertFalse(before.available(1));
    assertEquals("hats", before.categories()[5]);
  }

  @Test
  void itemsOutsideTheModelGoToTheLiveCatalogueWithTheirTextHash() {
    ItemAvailability availability = new ItemAvailability(TestModel.view().catalog());
    List<Catalogue.Availability> seen = new java.util.ArrayList<>();
    availability.onItemsOutsideModel(seen::addAll);
    availability.applyDelta(
        List.of(a("item-3", false, "shoes"), new Catalogue.Availability("new-1", true, "x", 42)));
    availability.replace(List.of(new Catalogue.Availability("new-2", true, null, 7)));
    assertEquals(
        List.of("new-1", "new-2"), seen.stream().map(Catalogue.Availability::itemId).toList());
    assertEquals(42, seen.get(0).textHash());
  }

  @Test
  void liveItemHasADenseIndexAfterTheTrainedOnesInTheModelView() {
    ModelView view = TestModel.view();
    int n = view.catalog().size();
    float[] v = view.vector(0).clone();
    view.live().put(List.of(new io.carousel.engine.LiveItems.Entry("new-1", v, "x", 1)));
    assertEquals(n, view.indexOf("new-1"));
    assertEquals("new-1", view.itemId(n));
    assertEquals(0f, view.popularityOf(n));
    assertEquals(view.features().project(v).length, view.projectionOf("new-1").length);
  }
}
