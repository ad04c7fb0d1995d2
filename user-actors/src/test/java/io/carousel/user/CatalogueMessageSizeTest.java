package io.carousel.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.jackson.JacksonCborSerializer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every catalogue message that crosses nodes stays under Artery's default 256 KiB maximum frame
 * size, measured with the real Jackson CBOR serializer, for max-length ids and categories of 3-byte
 * UTF-8 characters (the worst case per UTF-16 unit) and of ASCII.
 */
class CatalogueMessageSizeTest {
  private static final int FRAME = 256 * 1024;
  private static final ActorTestKit TESTKIT = ActorTestKit.create();
  private static final Serialization SERIALIZATION =
      SerializationExtension.get(TESTKIT.system().classicSystem());

  @AfterAll
  static void shutdown() {
    TESTKIT.shutdownTestKit();
  }

  /** A max-length string: {@code n} times {@code c}, made unique by a numeric prefix. */
  private static String text(int i, char c, int n) {
    String prefix = Integer.toString(i);
    return prefix + String.valueOf(c).repeat(n - prefix.length());
  }

  private static List<Catalogue.Availability> items(int n, char c) {
    List<Catalogue.Availability> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          new Catalogue.Availability(
              text(i, c, Catalogue.MAX_ID_CHARS), false, text(i, c, Catalogue.MAX_CATEGORY_CHARS)));
    }
    return out;
  }

  private static int size(Object message) {
    Serializer serializer = SERIALIZATION.findSerializerFor(message);
    assertTrue(serializer instanceof JacksonCborSerializer, serializer.toString());
    byte[] bytes = SERIALIZATION.serialize(message).get();
    Object back =
        SERIALIZATION
            .deserialize(bytes, serializer.identifier(), message.getClass().getName())
            .get();
    assertEquals(message, back);
    return bytes.length;
  }

  @Test
  void aDeltaOfThousandMaxLengthItemsIsSentInMessagesUnderTheFrameSize() {
    for (char c : new char[] {'€', 'x'}) {
      List<Catalogue.AvailabilityChanged> deltas = Catalogue.deltas(items(1000, c), 42);
      int largest = 0;
      long total = 0;
      for (Catalogue.AvailabilityChanged d : deltas) {
        int bytes = size(d);
        largest = Math.max(largest, bytes);
        total += bytes;
      }
      System.out.printf(
          "CATALOGUE-SIZE delta of 1000 max-length items ('%s'): %d messages, largest %d B,"
              + " total %d B%n",
          c, deltas.size(), largest, total);
      assertTrue(largest < FRAME / 2, "largest delta message " + largest + " B");
    }
  }

  @Test
  void aResyncPageOfMaxLengthItemsStaysUnderTheFrameSize() {
    for (char c : new char[] {'€', 'x'}) {
      Map<String, Catalogue.ItemState> state = new TreeMap<>();
      for (Catalogue.Availability a : items(3 * Catalogue.PAGE_SIZE, c)) {
        state.put(
            a.itemId(),
            new Catalogue.ItemState(
                "t".repeat(1000), "d".repeat(10_000), a.category(), 1.0, true, false, 1L));
      }
      Catalogue.Page page = new Catalogue.State(state).page(null, Catalogue.PAGE_SIZE, 7);
      assertEquals(Catalogue.PAGE_SIZE, page.items().size());
      int bytes = size(page);
      System.out.printf(
          "CATALOGUE-SIZE resync page of %d max-length items ('%s'): %d B%n",
          Catalogue.PAGE_SIZE, c, bytes);
      assertTrue(bytes < FRAME / 2, "page " + bytes + " B");
    }
  }
}
