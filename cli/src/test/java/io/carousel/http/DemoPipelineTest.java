package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.carousel.engine.model.ModelFolder;
import io.carousel.engine.wide.WideWeights;
import io.carousel.http.node.CarouselServer;
import io.carousel.http.node.LoadedModel;
import io.carousel.offline.data.DataDirs;
import io.carousel.offline.data.Interaction;
import io.carousel.offline.demo.DemoRun;
import io.carousel.offline.train.TrainingPipeline;
import io.carousel.offline.train.TwoTowerConfig;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo pipeline end to end on a slice of real data (Amazon Gift Cards): MiniLM embedding,
 * TensorFlow training and export, a node on the embedded H2 journal, and a replay of the later
 * interactions through the HTTP API with WebSocket subscribers. Skips when the data is absent.
 */
class DemoPipelineTest {
  private static final int REPLAYED = 150;

  @Test
  void replaysRealEventsEndToEnd(@TempDir Path dataDir) throws Exception {
    Optional<Path> root = DataDirs.dataRootForTests();
    Assumptions.assumeTrue(
        root.isPresent() && Files.isDirectory(root.get().resolve("amazon2018-small")),
        "amazon2018-small not found; set CAROUSEL_DATA_DIR");
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    TwoTowerConfig cfg = TwoTowerConfig.defaults();
    TrainingPipeline.Prepared prepared =
        TrainingPipeline.prepare(root.get(), "amazon-gift-cards", dataDir, cfg, 0.8, quiet);
    assertNotNull(prepared.training(), "first run trains");
    assertTrue(prepared.embedMisses() > 0);
    assertTrue(
        ModelFolder.at(prepared.modelDir()).hasCoVisitation(),
        "the wide part ships with the model");
    WideWeights wide = ModelFolder.at(prepared.modelDir()).wideWeights();
    assertTrue(wide.chosenBy().startsWith("held-out last event of "), wide.toString());

    TrainingPipeline.Prepared again =
        TrainingPipeline.prepare(root.get(), "amazon-gift-cards", dataDir, cfg, 0.8, quiet);
    assertEquals(0, again.embedMisses(), "second run re-embeds nothing");
    assertNull(again.training(), "second run reuses the SavedModel");
    assertEquals(prepared.modelDir(), again.modelDir());

    Config config =
        ConfigFactory.parseString(
                "akka.remote.artery.canonical.port = 0\n"
                    + "akka.cluster.jmx.multi-mbeans-in-same-jvm = on\n"
                    + "akka.coordinated-shutdown.exit-jvm = off\n"
                    + "carousel.http.port = 0\n"
                    + "carousel.data-dir = \""
                    + dataDir.toAbsolutePath()
                    + "\"\n")
            .withFallback(ConfigFactory.parseResources("persistence-embedded.conf"))
            .withFallback(ConfigFactory.parseResources("carousel.conf"))
            .withFallback(ConfigFactory.defaultReference())
            .resolve();
    List<Interaction> replay = prepared.split().replay().subList(0, REPLAYED);
    Path reportDir = dataDir.resolve("report");
    try (LoadedModel model =
            LoadedModel.load(
                prepared.modelDir(), prepared.meta().catalog(), prepared.meta().trainCounts());
        CarouselServer server = CarouselServer.start(config, model)) {
      assertEquals(wide, model.scorer().ranking().weights(), "the server scores with them");
      DemoRun.Outcome outcome =
          DemoRun.run(server.host(), server.port(), prepared, replay, 10, 3, "embedded", reportDir);
      Map<String, Object> s = outcome.summary();
      assertEquals((long) REPLAYED, s.get("events_replayed"));
      assertEquals((long) REPLAYED, s.get("events_acknowledged"), "every event acknowledged");
      assertEquals((long) REPLAYED, s.get("slates_requested"), "one slate per request");
      assertEquals(0L, s.get("slates_with_duplicate_items"));
      assertEquals(0L, s.get("events_without_websocket_push"), "a push after every event");
      assertTrue(outcome.invariantsHold());

      Map<String, Long> perUser = new HashMap<>();
      replay.forEach(e -> perUser.merge(e.userId(), 1L, Long::sum));
      HttpClient http = HttpClient.newHttpClient();
      for (Map.Entry<String, Long> u : perUser.entrySet()) {
        String url =
            "http://"
                + server.host()
                + ":"
                + server.port()
                + "/v1/users/"
                + URLEncoder.encode(u.getKey(), StandardCharsets.UTF_8);
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode profile = Json.MAPPER.readTree(r.body());
        assertEquals(u.getValue(), profile.get("eventCount").asLong(), "profile of " + u.getKey());
        assertEquals(u.getValue(), profile.get("eventsByType").get("purchase").asLong());
        assertTrue(profile.get("slatesServed").asLong() >= u.getValue(), "slates persisted");
      }
      // The same replay again on this journal would be all duplicates: refused before replaying.
      IllegalArgumentException replayedTwice =
          org.junit.jupiter.api.Assertions.assertThrows(
              IllegalArgumentException.class,
              () ->
                  DemoRun.run(
                      server.host(),
                      server.port(),
                      prepared,
                      replay,
                      10,
                      3,
                      "embedded",
                      reportDir));
      assertTrue(
          replayedTwice.getMessage().contains("fresh --data-dir"), replayedTwice.getMessage());
    }
    // A second `carousel demo` on this used data dir refuses before it embeds, trains or serves
    // (it used to start a server first, then find the replay's users already in the journal).
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    java.io.StringWriter err = new java.io.StringWriter();
    PrintStream stdout = System.out;
    int code;
    try {
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      picocli.CommandLine cli = io.carousel.cli.Main.commandLine();
      cli.setErr(new java.io.PrintWriter(err, true));
      code =
          cli.execute(
              "demo",
              "--exit",
              "--port",
              "0",
              "--dataset",
              "amazon-gift-cards",
              "--data-root",
              root.get().toString(),
              "--data-dir",
              dataDir.toString());
    } finally {
      System.setOut(stdout);
    }
    assertEquals(2, code, err.toString());
    assertTrue(err.toString().contains("fresh --data-dir"), err.toString());
    assertEquals(
        "", printed.toString(StandardCharsets.UTF_8), "nothing embedded, trained or served");
    JsonNode summary = Json.MAPPER.readTree(reportDir.resolve("summary.json").toFile());
    assertEquals("amazon-gift-cards", summary.get("dataset").asText());
    assertTrue(summary.get("hr_at_10").get("carousel").asDouble() >= 0);
    assertTrue(Files.size(reportDir.resolve("hit-rate.png")) > 1000);
  }
}
