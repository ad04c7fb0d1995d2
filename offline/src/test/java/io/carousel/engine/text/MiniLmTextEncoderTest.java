package io.carousel.engine.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.engine.Catalog;
import io.carousel.engine.Item;
import io.carousel.offline.data.Dataset;
import io.carousel.offline.data.DatasetReader;
import io.carousel.offline.data.RealData;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MiniLmTextEncoderTest {
  private static MiniLmTextEncoder encoder;

  @BeforeAll
  static void loadModel() {
    // Loaded in the same JVM as Jackson 2.17.3 (DatasetReader): proves the two coexist.
    encoder = new MiniLmTextEncoder();
  }

  @Test
  void encodesUnitVectorsOf384Dimensions() {
    float[][] v = encoder.encode(List.of("Starbucks Gift Card", "a magazine about cooking"));
    assertEquals(2, v.length);
    for (float[] row : v) {
      assertEquals(384, row.length);
      assertEquals(1.0, Vectors.dot(row, row), 1e-5);
    }
    assertEquals(384, encoder.dim());
    assertEquals("all-minilm-l6-v2", encoder.modelId());
  }

  @Test
  void encodesBlankTextAsThePlaceholder() {
    float[][] v = encoder.encode(List.of("", "   ", MiniLmTextEncoder.PLACEHOLDER));
    assertArrayEquals(v[2], v[0], 1e-6f);
    assertArrayEquals(v[2], v[1], 1e-6f);
  }

  @Test
  void isDeterministic() {
    float[][] a = encoder.encode(List.of("Amazon.com Gift Card in a Snowflake Tin"));
    float[][] b = encoder.encode(List.of("Amazon.com Gift Card in a Snowflake Tin"));
    assertArrayEquals(a[0], b[0], 1e-6f);
  }

  @Test
  void placesGiftCardTitlesCloserToEachOtherThanToAMagazine() {
    Dataset d = RealData.dataset(DatasetReader.AMAZON_2018_SMALL, "amazon2018-small");
    Catalog c = d.catalog();
    String starbucks = text(c, "B00AR51Y5I"); // "Starbucks Gift Card"
    String subway = text(c, "B00BXLW5QC"); // "SUBWAY Gift Card"
    String cooking =
        text(c, "B00005N7QG"); // Hearst cooking magazine: brand | categories | description
    float[][] v = encoder.encode(List.of(starbucks, subway, cooking));
    double cards = Vectors.dot(v[0], v[1]);
    double starbucksMagazine = Vectors.dot(v[0], v[2]);
    double subwayMagazine = Vectors.dot(v[1], v[2]);
    System.out.printf(
        "cos(starbucks, subway)=%.3f cos(starbucks, magazine)=%.3f cos(subway, magazine)=%.3f%n",
        cards, starbucksMagazine, subwayMagazine);
    assertTrue(cards > starbucksMagazine, cards + " vs " + starbucksMagazine);
    assertTrue(cards > subwayMagazine, cards + " vs " + subwayMagazine);
  }

  @Test
  void encodesTheWholeDemoCatalogue() {
    Dataset d = RealData.dataset(DatasetReader.AMAZON_2018_SMALL, "amazon2018-small");
    List<String> texts = d.catalog().items().stream().map(Item::text).toList();
    long start = System.nanoTime();
    float[][] v = encoder.encode(texts);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "MiniLM: %d item texts in %.2f s = %.1f texts/s (%d cores)%n",
        texts.size(), seconds, texts.size() / seconds, Runtime.getRuntime().availableProcessors());
    assertEquals(305, v.length);
    for (float[] row : v) {
      assertEquals(1.0, Vectors.dot(row, row), 1e-5);
    }
  }

  private static String text(Catalog c, String id) {
    return c.get(c.indexOf(id)).text();
  }
}
