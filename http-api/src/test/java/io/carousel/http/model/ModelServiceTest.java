package io.carousel.http.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carousel.http.Json;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The node's retrain bookkeeping without TensorFlow (the real trainer runs in cli's ModelSwapTest):
 * one retrain at a time (409 while one runs), a failure counted and shown with serving unchanged,
 * the version gauge and outcome counters on {@code /metrics}.
 */
class ModelServiceTest {
  /** A registry whose retrain runs {@code body}, recording decisions as the real one does. */
  static final class Stub implements ModelTrainer {
    final List<JsonNode> decisions = new ArrayList<>();
    volatile String current = "v1";
    volatile Supplier<JsonNode> body;

    @Override
    public JsonNode retrain() {
      return body.get();
    }

    @Override
    public String currentVersion() {
      return current;
    }

    @Override
    public List<JsonNode> decisions() {
      return List.copyOf(decisions);
    }

    @Override
    public JsonNode rollback() {
      throw new Conflict("no promoted version before " + current);
    }
  }

  private static void await(ModelService s) throws InterruptedException {
    for (int i = 0;
        i < 500 && "running".equals(s.status().path("retrain").path("state").asText());
        i++) {
      Thread.sleep(10);
    }
  }

  @Test
  void aRetrainWhileOneRunsIsAConflictAndAFailureLeavesServingUnchanged() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Stub stub = new Stub();
    CountDownLatch release = new CountDownLatch(1);
    stub.body =
        () -> {
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          ObjectNode d =
              Json.MAPPER.createObjectNode().put("version", "v2").put("decision", "promoted");
          stub.decisions.add(d);
          stub.current = "v2";
          return d;
        };
    try (ModelService service = new ModelService(stub, "v1", registry, Clock.systemUTC())) {
      ModelService.Retrain first = service.start();
      assertEquals("running", first.state());
      ModelTrainer.Conflict busy = assertThrows(ModelTrainer.Conflict.class, service::start);
      assertTrue(busy.getMessage().contains(first.id()), busy.getMessage());
      assertThrows(ModelTrainer.Conflict.class, service::rollback, "no rollback during a retrain");
      release.countDown();
      await(service);
      JsonNode status = service.status();
      assertEquals("finished", status.at("/retrain/state").asText(), status.toString());
      assertEquals("v2", status.at("/retrain/version").asText());
      assertEquals("v1", status.get("servingVersion").asText());
      assertEquals("v2", status.get("currentVersion").asText());
      assertTrue(status.get("restartRequired").asBoolean());

      // A failing retrain: counted, shown with its error, current and serving as they were.
      stub.body =
          () -> {
            throw new IllegalStateException("not promoting v3: saved_model.pb fails its checksum");
          };
      service.start();
      await(service);
      status = service.status();
      assertEquals("failed", status.at("/retrain/state").asText(), status.toString());
      assertTrue(status.at("/retrain/error").asText().contains("fails its checksum"));
      assertEquals("v2", status.get("currentVersion").asText());
      assertEquals("v1", service.servingVersion());
      // The next retrain may start: a failure does not wedge the thread.
      stub.body =
          () -> Json.MAPPER.createObjectNode().put("version", "v4").put("decision", "rejected");
      service.start();
      await(service);
      assertEquals("rejected", service.status().at("/retrain/decision").asText());
    }
    String metrics = registry.scrape();
    assertTrue(
        metrics.matches("(?s).*carousel_model_version_info\\{version=\"v1\",?} 1(\\.0)?.*"),
        metrics);
    assertTrue(
        metrics.matches("(?s).*carousel_model_retrains_total\\{outcome=\"promoted\",?} 1\\.0.*"),
        metrics);
    assertTrue(
        metrics.matches("(?s).*carousel_model_retrains_total\\{outcome=\"failed\",?} 1\\.0.*"),
        metrics);
    assertTrue(
        metrics.matches("(?s).*carousel_model_retrains_total\\{outcome=\"rejected\",?} 1\\.0.*"),
        metrics);
  }

  @Test
  void aNodeThatFollowsTheRegistrySwapsAfterAPromotionAndTheGaugeFollows() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Stub stub = new Stub();
    stub.body =
        () -> {
          ObjectNode d =
              Json.MAPPER.createObjectNode().put("version", "v2").put("decision", "promoted");
          stub.decisions.add(d);
          stub.current = "v2";
          return d;
        };
    try (ModelService service = new ModelService(stub, "v1", registry, Clock.systemUTC())) {
      java.util.List<String> swappedTo = new java.util.concurrent.CopyOnWriteArrayList<>();
      // The hot swap (ADR 0014) as ModelSwap does it: follow current, then report what serves.
      service.followWith(
          () -> {
            swappedTo.add(stub.current);
            service.served(stub.current);
            return true;
          });
      service.start();
      await(service);
      assertEquals(List.of("v2"), swappedTo, "followed current after the promotion");
      JsonNode status = service.status();
      assertEquals("v2", status.get("servingVersion").asText(), status.toString());
      assertFalse(status.get("restartRequired").asBoolean());
      assertFalse(status.get("swapping").asBoolean());
    }
    String metrics = registry.scrape();
    assertTrue(
        metrics.matches("(?s).*carousel_model_version_info\\{version=\"v2\",?} 1(\\.0)?.*"),
        metrics);
    assertFalse(metrics.contains("version=\"v1\""), metrics);
  }

  @Test
  void aNodeWithoutATrainerSaysSo() {
    try (ModelService service =
        new ModelService(
            null,
            "movielens-100k-x",
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            Clock.systemUTC())) {
      assertFalse(service.available());
      IllegalStateException e = assertThrows(IllegalStateException.class, service::start);
      assertTrue(e.getMessage().contains("no model registry"), e.getMessage());
    }
  }
}
