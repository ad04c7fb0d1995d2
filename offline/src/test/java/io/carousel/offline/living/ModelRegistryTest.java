package io.carousel.offline.living;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.carousel.offline.data.DatasetMissingException;
import io.carousel.offline.train.TwoTowerConfig;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry's files: version names, checksums, the current pointer and the decision log. */
class ModelRegistryTest {

  private static Path version(ModelRegistry registry, String name) throws Exception {
    Path v = registry.folder(name);
    Files.createDirectories(v.resolve("variables"));
    Files.writeString(v.resolve("saved_model.pb"), "graph " + name);
    Files.writeString(v.resolve("variables").resolve("variables.index"), "index");
    ModelRegistry.writeChecksums(v);
    return v;
  }

  @Test
  void versionsAreNumberedAndOnlyAVerifiedFolderBecomesCurrent(@TempDir Path dataDir)
      throws Exception {
    ModelRegistry registry = new ModelRegistry(dataDir);
    assertEquals("v1", registry.nextVersion());
    assertEquals(Optional.empty(), registry.currentVersion());
    assertEquals(Optional.empty(), registry.servingModel());
    Path v1 = version(registry, "v1");
    assertNull(ModelRegistry.checksumProblem(v1));
    registry.promote("v1");
    assertEquals(Optional.of("v1"), registry.currentVersion());
    assertEquals(Optional.of(v1), registry.servingModel());
    assertEquals("v2", registry.nextVersion());
    assertFalse(Files.exists(registry.models().resolve("current.tmp")), "renamed, not left");

    Path v2 = version(registry, "v2");
    Files.writeString(v2.resolve("variables").resolve("variables.index"), "changed");
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> registry.promote("v2"));
    assertTrue(e.getMessage().contains("variables.index fails its checksum"), e.getMessage());
    assertEquals(Optional.of("v1"), registry.currentVersion(), "the pointer is unchanged");

    Path v3 = version(registry, "v3");
    Files.writeString(v3.resolve("extra.bin"), "smuggled");
    assertTrue(ModelRegistry.checksumProblem(v3).contains("extra.bin is not in"));
    Files.delete(v3.resolve("extra.bin"));
    Files.delete(v3.resolve("saved_model.pb"));
    assertTrue(ModelRegistry.checksumProblem(v3).contains("saved_model.pb is missing"));
    Files.delete(v3.resolve(ModelRegistry.CHECKSUMS));
    assertTrue(ModelRegistry.checksumProblem(v3).startsWith("no checksums.sha256"));
    assertEquals("v4", registry.nextVersion());
  }

  @Test
  void aFailedRetrainIsRecordedAndLeavesCurrentAlone(@TempDir Path dataDir) throws Exception {
    ModelRegistry registry = new ModelRegistry(dataDir);
    version(registry, "v1");
    registry.promote("v1");
    ContinuousTraining.Options options =
        new ContinuousTraining.Options(
            dataDir.resolve("no-datasets-here"),
            dataDir,
            "movielens-100k",
            TwoTowerConfig.defaults(),
            0.1,
            0.005,
            1L);
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    assertThrows(
        DatasetMissingException.class,
        () -> ContinuousTraining.run(options, LiveLog.Snapshot.empty(), quiet));
    List<JsonNode> decisions = registry.decisions();
    assertEquals(1, decisions.size());
    assertEquals("v2", decisions.get(0).get("version").asText());
    assertEquals("failed", decisions.get(0).get("decision").asText());
    assertEquals("v1", decisions.get(0).get("servingVersion").asText());
    assertTrue(decisions.get(0).get("reason").asText().contains("movielens-100k"));
    assertEquals(Optional.of("v1"), registry.currentVersion());
    assertEquals("v3", registry.nextVersion(), "a failed version's name is not reused");
    assertFalse(Files.exists(registry.models().resolve(".v2.work")), "the work folder is gone");
  }

  private static void decide(ModelRegistry registry, String version, String decision) {
    registry.record(
        ModelRegistry.JSON.createObjectNode().put("version", version).put("decision", decision));
  }

  @Test
  void rollbackGoesToThePreviousPromotedVersionOnceEachAndNeverToADamagedOne(@TempDir Path dataDir)
      throws Exception {
    ModelRegistry registry = new ModelRegistry(dataDir);
    IllegalStateException empty = assertThrows(IllegalStateException.class, registry::rollback);
    assertEquals("no current version to roll back from", empty.getMessage());
    for (String v : List.of("v1", "v2", "v3", "v4")) {
      version(registry, v);
    }
    decide(registry, "v1", "promoted");
    decide(registry, "v2", "rejected");
    decide(registry, "v3", "promoted");
    decide(registry, "v4", "promoted");
    registry.promote("v4");

    // v3's folder damaged: refused, v4 stays current, nothing recorded.
    Path pb = registry.folder("v3").resolve("saved_model.pb");
    Files.writeString(pb, "changed");
    IllegalStateException damaged = assertThrows(IllegalStateException.class, registry::rollback);
    assertTrue(
        damaged.getMessage().contains("saved_model.pb fails its checksum"), damaged.getMessage());
    assertEquals(Optional.of("v4"), registry.currentVersion());
    assertEquals(4, registry.decisions().size());
    Files.writeString(pb, "graph v3");

    JsonNode back = registry.rollback();
    assertEquals("rolled-back", back.get("decision").asText());
    assertEquals("v4", back.get("from").asText());
    assertEquals(Optional.of("v3"), registry.currentVersion());
    // Twice goes two versions back; the rejected v2 is skipped.
    registry.rollback();
    assertEquals(Optional.of("v1"), registry.currentVersion());
    IllegalStateException none = assertThrows(IllegalStateException.class, registry::rollback);
    assertEquals("no promoted version before v1 to roll back to", none.getMessage());
    assertEquals(Optional.of("v1"), registry.currentVersion());
    assertEquals(6, registry.decisions().size());
  }
}
