package io.carousel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.offline.living.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --dataset X --data-dir D} where D's promoted version was trained from another
 * dataset: it served that version (the other shop's catalogue) without a word; now it is refused,
 * naming both datasets, and the matching dataset or no {@code --dataset} still serve it.
 */
class PromotedVersionTest {
  @Test
  void aPromotedVersionOfAnotherDatasetIsRefused(@TempDir Path data) throws Exception {
    Path v1 = Files.createDirectories(data.resolve("models/v1"));
    Files.writeString(v1.resolve("model-meta.json"), "{}");
    Files.writeString(v1.resolve(ModelRegistry.VERSION), "{\"baseDataset\":\"movielens-100k\"}");
    ModelRegistry.writeChecksums(v1);
    Files.writeString(data.resolve("models/current"), "v1\n");

    assertEquals(v1, ServeCommand.promotedVersion(data, "movielens-100k"));
    assertEquals(v1, ServeCommand.promotedVersion(data, null));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ServeCommand.promotedVersion(data, "amazon2018-small"));
    assertTrue(e.getMessage().startsWith("--dataset amazon2018-small: "), e.getMessage());
    assertTrue(
        e.getMessage().contains("promoted model v1 was trained from movielens-100k"),
        e.getMessage());

    Files.writeString(v1.resolve(ModelRegistry.VERSION), "{\"baseDataset\":null}");
    ModelRegistry.writeChecksums(v1);
    IllegalArgumentException journalOnly =
        assertThrows(
            IllegalArgumentException.class,
            () -> ServeCommand.promotedVersion(data, "movielens-100k"));
    assertTrue(
        journalOnly.getMessage().contains("trained from the journal alone"),
        journalOnly.getMessage());
  }
}
