package io.carousel.offline.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.engine.Catalog;
import io.carousel.engine.Item;
import io.carousel.policy.EventType;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetReaderTest {
  private static final String AMAZON = "amazon2018-small";

  @Test
  void readsGiftCardsToPublishedCountsAfterDedupe() {
    Dataset d = RealData.dataset(DatasetReader.AMAZON_GIFT_CARDS, AMAZON);
    // 2,972 reviews minus the 7 duplicate (user, asin) pairs listed in PROVENANCE.md.
    assertEquals(2965, d.interactions().size());
    assertEquals(458, users(d).size());
    assertEquals(148, d.catalog().size());
    Item starbucks = item(d.catalog(), "B00AR51Y5I");
    assertEquals("Starbucks Gift Card", starbucks.text());
    assertEquals("Gift Cards", starbucks.category());
    assertTrue(d.interactions().stream().allMatch(i -> i.type() == EventType.PURCHASE));
  }

  @Test
  void readsMagazineToPublishedCountsWithTextFromBrandCategoryDescription() {
    Dataset d = RealData.dataset(DatasetReader.AMAZON_MAGAZINE, AMAZON);
    // 2,375 reviews minus 73 duplicate (user, asin) pairs.
    assertEquals(2302, d.interactions().size());
    assertEquals(348, users(d).size());
    assertEquals(157, d.catalog().size());
    long withText = d.catalog().items().stream().filter(i -> !i.text().isEmpty()).count();
    assertEquals(151, withText, "PROVENANCE.md: 151 of 157 5-core items have meta");
    for (Item i : d.catalog().items()) {
      assertFalse(i.text().contains("<"), i.itemId() + " text has markup: " + i.text());
      assertTrue(i.text().length() <= 1000, i.itemId());
    }
    assertEquals(
        "", item(d.catalog(), "B000IMVNQU").text(), "an asin without meta is still an item");
    Item cooking = item(d.catalog(), "B00005N7QG");
    assertTrue(
        cooking.text().startsWith("Hearst Magazines | Cooking, Food & Wine > Recipes & Techniques"),
        cooking.text());
    assertEquals("Cooking, Food & Wine", cooking.category());
    assertEquals(
        "Health, Fitness & Wellness",
        item(d.catalog(), "B000ILY9LW").category(),
        "HTML entities are decoded");
  }

  @Test
  void combinesGiftCardsAndMagazineAsTheDemoDataset() {
    Dataset d = RealData.dataset(DatasetReader.AMAZON_2018_SMALL, AMAZON);
    // 2,965 + 2,302 interactions; the two categories share no asin but 2 reviewers
    // (458 + 348 - 2 = 804 users), and 148 + 157 = 305 items.
    assertEquals(5267, d.interactions().size());
    assertEquals(804, users(d).size());
    assertEquals(305, d.catalog().size());
    assertEquals(DatasetReader.AMAZON_2018_SMALL, d.name());
    assertSortedByTimeUserItem(d.interactions());
    for (Interaction i : d.interactions()) {
      assertTrue(d.catalog().indexOf(i.itemId()) >= 0, i.itemId());
      assertEquals(0, i.timestampMs() % 86_400_000L, "review times are whole UTC days");
    }
  }

  @Test
  void readsMovieLensRatingsAsClicksWithTitleAndGenres() {
    Dataset d = RealData.dataset(DatasetReader.MOVIELENS_100K, "movielens-100k");
    assertEquals(100_000, d.interactions().size());
    assertEquals(943, users(d).size());
    assertEquals(1682, d.catalog().size());
    assertEquals("1", d.catalog().get(0).itemId(), "numeric ids sort numerically");
    assertEquals("1682", d.catalog().get(1681).itemId());
    Item toyStory = d.catalog().get(0);
    assertEquals("Toy Story (1995) | Animation, Children's, Comedy", toyStory.text());
    assertEquals("Animation", toyStory.category());
    assertTrue(d.interactions().stream().allMatch(i -> i.type() == EventType.CLICK));
    // 1997-09-20 .. 1998-04-22 UTC per PROVENANCE.md.
    assertEquals(874_724_710_000L, d.interactions().get(0).timestampMs());
    assertEquals(893_286_638_000L, d.interactions().get(99_999).timestampMs());
    assertSortedByTimeUserItem(d.interactions());
  }

  @Test
  void readsDigineticaSessionsAsUsersWithoutText() {
    Dataset d = RealData.dataset(DatasetReader.DIGINETICA_SAMPLE, "diginetica-sample");
    assertEquals(12_391, d.interactions().size(), "no row is an exact repeat, so none is dropped");
    assertEquals(2986, users(d).size());
    assertEquals(7139, d.catalog().size());
    assertTrue(
        d.catalog().items().stream().allMatch(i -> i.text().isEmpty() && i.category().isEmpty()));
    assertTrue(d.interactions().stream().allMatch(i -> i.type() == EventType.VIEW));
    assertSortedByTimeUserItem(d.interactions());
  }

  @Test
  void rejectsUnknownNameListingKnownOnes(@TempDir Path root) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DatasetReader.read(root, "netflix"));
    for (String known : DatasetReader.knownNames()) {
      assertTrue(e.getMessage().contains(known), e.getMessage());
    }
  }

  @Test
  void reportsMissingAmazonFilesWithPathAndOrigin(@TempDir Path root) {
    DatasetMissingException e =
        assertThrows(
            DatasetMissingException.class,
            () -> DatasetReader.read(root, DatasetReader.AMAZON_2018_SMALL));
    Path expected = root.resolve("amazon2018-small/Gift_Cards/Gift_Cards_5.json.gz");
    assertEquals(expected, e.lookedIn());
    assertTrue(e.getMessage().contains(expected.toAbsolutePath().toString()), e.getMessage());
    assertTrue(e.getMessage().contains("cseweb.ucsd.edu"), e.getMessage());
  }

  @Test
  void reportsMissingMovieLensWithPathAndLicence(@TempDir Path root) {
    DatasetMissingException e =
        assertThrows(
            DatasetMissingException.class,
            () -> DatasetReader.read(root, DatasetReader.MOVIELENS_100K));
    assertTrue(e.getMessage().contains(root.resolve("movielens-100k").toAbsolutePath().toString()));
    assertTrue(e.getMessage().contains("no redistribution"), e.getMessage());
  }

  private static Set<String> users(Dataset d) {
    Set<String> users = new HashSet<>();
    d.interactions().forEach(i -> users.add(i.userId()));
    return users;
  }

  private static Item item(Catalog catalog, String id) {
    int index = catalog.indexOf(id);
    assertTrue(index >= 0, id + " not in catalogue");
    return catalog.get(index);
  }

  private static void assertSortedByTimeUserItem(List<Interaction> interactions) {
    for (int i = 1; i < interactions.size(); i++) {
      assertTrue(
          LogBuilder.TIME_USER_ITEM.compare(interactions.get(i - 1), interactions.get(i)) < 0,
          "not strictly sorted at " + i);
    }
  }
}
