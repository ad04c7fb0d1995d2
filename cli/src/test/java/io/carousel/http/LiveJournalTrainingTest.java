package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import com.fasterxml.jackson.databind.JsonNode;
import io.carousel.cli.Main;
import io.carousel.engine.Item;
import io.carousel.engine.model.ModelFolder;
import io.carousel.engine.model.ModelMeta;
import io.carousel.engine.text.MiniLmTextEncoder;
import io.carousel.offline.data.DataDirs;
import io.carousel.offline.data.Dataset;
import io.carousel.offline.data.DatasetReader;
import io.carousel.offline.data.Interaction;
import io.carousel.offline.living.LiveLog;
import io.carousel.offline.living.ModelRegistry;
import io.carousel.offline.living.ValidationGate;
import io.carousel.offline.train.CachedTextEncoder;
import io.carousel.user.Catalogue;
import io.carousel.user.UserProfile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Continuous training's offline half on the embedded H2 journal (ADR 0012): real MovieLens-100k
 * interactions written through the real user entity are read back by their tag, per user in the
 * order written, with the catalogue entity's items; {@code carousel train} on the stopped node's
 * data directory trains on them and the live items, writes {@code models/v1} with checksums,
 * records the decision and points {@code models/current} at it; a file changed afterwards fails its
 * checksum and the version can no longer be promoted.
 */
class LiveJournalTrainingTest {
  private static final int USERS = 40;
  private static final int BATCH = 50;
  private static final Duration ASK = Duration.ofSeconds(30);

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void interactionsWrittenThroughTheUserEntityAreReadByTagAndTrainedOn(@TempDir Path dir)
      throws Exception {
    Optional<Path> root = DataDirs.dataRootForTests();
    Assumptions.assumeTrue(
        root.isPresent() && Files.isDirectory(root.get().resolve("movielens-100k")),
        "movielens-100k not found; set CAROUSEL_DATA_DIR");
    Dataset ml = DatasetReader.read(root.get(), "movielens-100k");
    // The first USERS users to appear, with every interaction of theirs, in time order.
    Set<String> users = new LinkedHashSet<>();
    for (Interaction i : ml.interactions()) {
      if (users.size() < USERS) {
        users.add(i.userId());
      }
    }
    Map<String, List<Interaction>> written = new LinkedHashMap<>();
    for (Interaction i : ml.interactions()) {
      if (users.contains(i.userId())) {
        written.computeIfAbsent(i.userId(), u -> new ArrayList<>()).add(i);
      }
    }
    int total = written.values().stream().mapToInt(List::size).sum();
    Item first = ml.catalog().get(0);
    Path data = dir.resolve("data");
    try (H2Node node = new H2Node(data, "")) {
      for (Map.Entry<String, List<Interaction>> e : written.entrySet()) {
        List<Interaction> events = e.getValue();
        for (int from = 0; from < events.size(); from += BATCH) {
          List<UserProfile.Interaction> batch = new ArrayList<>();
          for (int j = from; j < Math.min(events.size(), from + BATCH); j++) {
            Interaction i = events.get(j);
            batch.add(
                new UserProfile.Interaction(
                    "ml-" + e.getKey() + "-" + j, i.itemId(), i.type(), i.timestampMs(), null));
          }
          UserProfile.BatchRecorded done =
              node.sharding
                  .entityRefFor(UserProfile.TYPE_KEY, e.getKey())
                  .<UserProfile.BatchRecorded>askWithStatus(
                      r -> new UserProfile.RecordInteractions(batch, r), ASK)
                  .toCompletableFuture()
                  .get(60, TimeUnit.SECONDS);
          assertEquals(batch.size(), done.results().size());
        }
      }
      Catalogue.initSharding(node.kit.system(), Clock.systemUTC());
      List<Catalogue.ItemUpsert> upserts =
          List.of(
              new Catalogue.ItemUpsert(
                  "new-1", "Toy Story 3 (2010)", "Animation, Comedy", "Animation", null, true),
              new Catalogue.ItemUpsert(
                  "new-2", "Alien Resurrection II", "Sci-Fi, Horror", "Sci-Fi", null, true),
              new Catalogue.ItemUpsert("gone", "Withdrawn", "", "", null, true),
              // A dataset item whose text the shop changed through the API.
              new Catalogue.ItemUpsert(
                  first.itemId(), "Renamed title", "New description", "Drama", null, true));
      Catalogue.ref(node.kit.system())
          .<Catalogue.Upserted>askWithStatus(r -> new Catalogue.Upsert(upserts, r), ASK)
          .toCompletableFuture()
          .get(60, TimeUnit.SECONDS);
      assertTrue(
          Catalogue.ref(node.kit.system())
              .<Boolean>askWithStatus(r -> new Catalogue.Delete("gone", false, r), ASK)
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS));

      // Read through the running node's own actor system, as the server's retrain will.
      LiveLog.Snapshot live =
          LiveLog.read(node.kit.system(), JdbcReadJournal.Identifier(), Duration.ofSeconds(60));
      assertEquals(total, live.interactions().size(), "every interaction, once");
      Map<String, List<Interaction>> read = new LinkedHashMap<>();
      for (Interaction i : live.interactions()) {
        read.computeIfAbsent(i.userId(), u -> new ArrayList<>()).add(i);
      }
      assertEquals(written.keySet(), read.keySet());
      for (String u : written.keySet()) {
        assertEquals(written.get(u), read.get(u), "user " + u + ": same events, same order");
      }
      assertEquals(Set.of("new-1", "new-2", first.itemId()), live.items().keySet());
      assertEquals(List.of("gone"), live.deletedItems());
      assertEquals("Renamed title", live.items().get(first.itemId()).title());
      System.out.printf(
          "LIVE-LOG %d interactions of %d users read by tag, %d live items%n",
          total, USERS, live.items().size());
    }

    // The real command on the stopped node's directory: the journal alone (no dataset model).
    Run train = run("train", "--data-dir", data.toString(), "--epochs", "1");
    assertEquals(0, train.code(), train.err());
    ModelRegistry registry = new ModelRegistry(data);
    assertEquals(Optional.of("v1"), registry.currentVersion());
    List<JsonNode> decisions = registry.decisions();
    assertEquals(1, decisions.size());
    JsonNode d = decisions.get(0);
    assertEquals("promoted", d.get("decision").asText(), d.toString());
    assertTrue(d.get("reason").asText().startsWith("no serving model"), d.toString());
    assertNull(d.get("baseDataset").textValue());
    // 90 % of the journal's events (by time) trained the candidate, all of them from the journal.
    long trained = d.get("trainedOn").get("interactions").asLong();
    assertEquals(trained, d.get("trainedOn").get("fromJournal").asLong());
    assertTrue(trained > 0.8 * total && trained < total, trained + " of " + total);
    ModelMeta meta = ModelFolder.at(registry.folder("v1")).meta();
    List<String> ids = meta.items().stream().map(Item::itemId).toList();
    assertTrue(ids.containsAll(List.of("new-1", "new-2")), "live items are in the catalogue");
    assertFalse(ids.contains("gone"), "a deleted live item is not");
    Item renamed = meta.items().get(ids.indexOf(first.itemId()));
    assertEquals("Renamed title. New description", renamed.text());
    assertNull(ModelRegistry.checksumProblem(registry.folder("v1")));

    // An item added after training is ranked from its text, as serving ranks a live item.
    List<Interaction> log = new ArrayList<>();
    written.values().forEach(log::addAll);
    log.sort(java.util.Comparator.comparingLong(Interaction::timestampMs));
    ValidationGate.Slice slice = ValidationGate.slice(log, 0.1, Set.of("added-later"));
    assertTrue(slice.candidates().contains("added-later"));
    try (CachedTextEncoder encoder =
        new CachedTextEncoder(new MiniLmTextEncoder(), data.resolve("cache"))) {
      ValidationGate.Scored scored =
          ValidationGate.score(
              "v1",
              registry.folder("v1"),
              slice,
              Map.of("added-later", "Star Wars (1977). Action, Sci-Fi"),
              encoder);
      assertEquals(1, scored.textOnlyItems());
      assertEquals(slice.users().size(), scored.ndcgByUser().length);
      System.out.printf(
          "LIVE-GATE v1 on its own slice: %d users, %d targets, NDCG@10 %.4f, HR@10 %.4f%n",
          slice.users().size(), slice.targets(), scored.ndcg(), scored.hr());
    }

    // A changed file: the folder fails its checksums and cannot become current.
    Path pb = registry.folder("v1").resolve("saved_model.pb");
    byte[] bytes = Files.readAllBytes(pb);
    bytes[bytes.length / 2] ^= 1;
    Files.write(pb, bytes);
    String problem = ModelRegistry.checksumProblem(registry.folder("v1"));
    assertNotNull(problem);
    assertTrue(problem.contains("saved_model.pb fails its checksum"), problem);
    IllegalStateException refused =
        assertThrows(IllegalStateException.class, () -> registry.promote("v1"));
    assertTrue(refused.getMessage().startsWith("not promoting v1:"), refused.getMessage());
  }

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }
}
