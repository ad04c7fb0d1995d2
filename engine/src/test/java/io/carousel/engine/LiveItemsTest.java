package io.carousel.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.carousel.engine.retrieval.TopN;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveItemsTest {
  private static final TopN TRAINED = new TopN(new int[] {3, 1}, new float[] {5f, 2f});
  private static final float[] SESSION = {1f, 0f};

  @Test
  void liveItemCloseToTheSessionIsRetrievedAfterTheTrainedOnes() {
    LiveItems live = new LiveItems(10);
    live.put(
        List.of(
            new LiveItems.Entry("new-a", new float[] {1f, 0f}, "c", 1),
            new LiveItems.Entry("new-b", new float[] {0f, 1f}, "c", 2)));
    // logitScale 4: new-a scores 4 (between 5 and 2), new-b 0.
    TopN top = LiveItems.merge(TRAINED, SESSION, 4f, 3, null, live.snapshot());
    assertArrayEquals(new int[] {3, 10, 1}, top.items());
    assertEquals(10, live.snapshot().indexOf("new-a"));
    assertEquals("new-b", live.snapshot().get(11).itemId());
  }

  @Test
  void deletedLiveItemIsNotRetrieved() {
    LiveItems live = new LiveItems(10);
    live.put(List.of(new LiveItems.Entry("new-a", new float[] {1f, 0f}, "c", 1)));
    live.setAvailable("new-a", false, "c");
    TopN top = LiveItems.merge(TRAINED, SESSION, 4f, 3, null, live.snapshot());
    assertArrayEquals(new int[] {3, 1}, top.items());
  }

  @Test
  void changedTextReplacesTheVectorAtTheSameIndex() {
    LiveItems live = new LiveItems(10);
    live.put(List.of(new LiveItems.Entry("new-a", new float[] {0f, 1f}, "c", 1)));
    live.put(List.of(new LiveItems.Entry("new-a", new float[] {1f, 0f}, "c", 2)));
    assertEquals(1, live.snapshot().size());
    TopN top = LiveItems.merge(TRAINED, SESSION, 4f, 2, null, live.snapshot());
    assertArrayEquals(new int[] {3, 10}, top.items());
  }

  @Test
  void excludedLiveItemIsNotRetrieved() {
    LiveItems live = new LiveItems(10);
    live.put(List.of(new LiveItems.Entry("new-a", new float[] {1f, 0f}, "c", 1)));
    TopN top = LiveItems.merge(TRAINED, SESSION, 4f, 3, i -> i == 10, live.snapshot());
    assertArrayEquals(new int[] {3, 1}, top.items());
  }
}
