package io.carousel.http.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.pattern.StatusReply;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.jackson.JacksonCborSerializer;
import io.carousel.user.Catalogue;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Item text fields are capped, and a {@code PUT /v1/items} batch reaches the catalogue entity as
 * upserts that each stay under Artery's default 256 KiB frame (the real CBOR serializer measures).
 */
class ItemIngestTest {
  private static final int FRAME = 256 * 1024;
  private static final ActorTestKit TESTKIT = ActorTestKit.create();
  private static final Serialization SERIALIZATION =
      SerializationExtension.get(TESTKIT.system().classicSystem());

  @AfterAll
  static void shutdown() {
    TESTKIT.shutdownTestKit();
  }

  private static String line(String field, int length) {
    return "{\"itemId\":\"a\",\"" + field + "\":\"" + "€".repeat(length) + "\"}";
  }

  @Test
  void textFieldsAreCappedNamingTheField() throws Exception {
    String[][] caps = {
      {"title", "" + ItemParser.MAX_TITLE_LENGTH},
      {"description", "" + ItemParser.MAX_DESCRIPTION_LENGTH},
      {"category", "" + ItemParser.MAX_CATEGORY_LENGTH},
    };
    assertEquals(100, ItemParser.MAX_CATEGORY_LENGTH);
    // The catalogue sizes its pages for these caps.
    assertEquals(EventParser.MAX_ID_LENGTH, Catalogue.MAX_ID_CHARS);
    assertEquals(Catalogue.MAX_CATEGORY_CHARS, ItemParser.MAX_CATEGORY_LENGTH);
    for (String[] c : caps) {
      int max = Integer.parseInt(c[1]);
      ItemParser.parse(line(c[0], max));
      EventParser.InvalidInput e =
          assertThrows(EventParser.InvalidInput.class, () -> ItemParser.parse(line(c[0], max + 1)));
      assertEquals(c[0], e.field());
      assertTrue(e.getMessage().contains("longer than " + max), e.getMessage());
    }
  }

  @Test
  void aThousandMaxSizeLinesGoAsSeveralUpsertsEachUnderTheFrameSize() {
    ActorRef<StatusReply<Catalogue.Upserted>> replyTo =
        TESTKIT.<StatusReply<Catalogue.Upserted>>createTestProbe().getRef();
    for (char c : new char[] {'€', 'x'}) {
      List<Catalogue.ItemUpsert> items = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        String n = Integer.toString(i);
        items.add(
            new Catalogue.ItemUpsert(
                n + String.valueOf(c).repeat(EventParser.MAX_ID_LENGTH - n.length()),
                String.valueOf(c).repeat(ItemParser.MAX_TITLE_LENGTH),
                String.valueOf(c).repeat(ItemParser.MAX_DESCRIPTION_LENGTH),
                String.valueOf(c).repeat(ItemParser.MAX_CATEGORY_LENGTH),
                Double.MAX_VALUE,
                false));
      }
      List<List<Catalogue.ItemUpsert>> parts = ItemIngest.parts(items);
      assertEquals(items, parts.stream().flatMap(List::stream).toList(), "all, in order");
      int largest = 0;
      for (List<Catalogue.ItemUpsert> part : parts) {
        Catalogue.Upsert upsert = new Catalogue.Upsert(part, replyTo);
        Serializer serializer = SERIALIZATION.findSerializerFor(upsert);
        assertTrue(serializer instanceof JacksonCborSerializer, serializer.toString());
        int bytes = SERIALIZATION.serialize(upsert).get().length;
        long estimate = part.stream().mapToLong(ItemIngest::estimate).sum();
        assertTrue(bytes <= estimate + 512, bytes + " B, estimated " + estimate);
        largest = Math.max(largest, bytes);
      }
      System.out.printf(
          "CATALOGUE-SIZE PUT of 1000 max-size lines ('%s'): %d upserts, largest %d B%n",
          c, parts.size(), largest);
      assertTrue(largest < FRAME / 2 + 1024, "largest upsert " + largest + " B");
    }
    // Ordinary lines go as one upsert.
    List<Catalogue.ItemUpsert> small = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      small.add(new Catalogue.ItemUpsert("sku-" + i, "A title", null, "shoes", 19.9, true));
    }
    assertEquals(1, ItemIngest.parts(small).size());
  }
}
