package io.carousel.http.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carousel.http.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's side of continuous training (ADR 0012 §5): at most one retrain at a time, on one
 * low-priority thread of its own (serving's dispatchers are never borrowed), its outcome counted in
 * {@code carousel_model_retrains_total{outcome}}, and the serving version named by {@code
 * carousel_model_version_info{version}}. A failed retrain changes nothing that serves.
 */
public final class ModelService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelService.class);

  /** One retrain's state, as {@code GET /v1/model} shows it. */
  public record Retrain(
      String id,
      String state,
      String startedAt,
      String finishedAt,
      String version,
      String decision,
      String error) {}

  private final ModelTrainer trainer;
  private volatile String servingVersion;
  private final MeterRegistry registry;
  private Gauge versionInfo;
  private volatile java.util.function.BooleanSupplier follow;
  private final Clock clock;
  private final ExecutorService thread;
  private final AtomicReference<Retrain> running = new AtomicReference<>();
  private final AtomicReference<Retrain> last = new AtomicReference<>();
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, Counter> outcomes;

  /**
   * @param trainer the registry and its retrain, or null when this node has none (the routes then
   *     answer 503)
   * @param servingVersion the version this node loaded and serves
   */
  public ModelService(
      ModelTrainer trainer, String servingVersion, MeterRegistry registry, Clock clock) {
    this.trainer = trainer;
    this.servingVersion = servingVersion;
    this.registry = registry;
    this.clock = clock;
    this.thread =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "carousel-retrain");
              t.setDaemon(true);
              // Training competes with serving for cores: serving wins.
              t.setPriority(Thread.MIN_PRIORITY);
              return t;
            });
    this.versionInfo = versionInfo(registry, servingVersion);
    this.outcomes =
        Map.of(
            "promoted", counter(registry, "promoted"),
            "rejected", counter(registry, "rejected"),
            "failed", counter(registry, "failed"));
  }

  private static Gauge versionInfo(MeterRegistry registry, String version) {
    return Gauge.builder("carousel.model.version.info", () -> 1)
        .description("1, labelled with the model version this node serves")
        .tag("version", version)
        .register(registry);
  }

  /**
   * Sets how this node follows the registry's {@code current} (a hot swap, ADR 0014; returns
   * whether it swapped): run after every promotion and rollback. Without it a new current version
   * is served after a restart ({@code restartRequired}).
   */
  public void followWith(java.util.function.BooleanSupplier follow) {
    this.follow = follow;
  }

  /** Records that the node now serves {@code version} (after a hot swap): status and gauge. */
  public synchronized void served(String version) {
    if (version.equals(servingVersion)) {
      return;
    }
    registry.remove(versionInfo);
    versionInfo = versionInfo(registry, version);
    servingVersion = version;
  }

  /** Swaps to the registry's current version when this node follows it; logs a failure. */
  private void followCurrent() {
    java.util.function.BooleanSupplier f = follow;
    if (f != null) {
      try {
        f.getAsBoolean();
      } catch (RuntimeException e) {
        LOG.warn("following the registry after a decision failed: {}", e.toString());
      }
    }
  }

  private static Counter counter(MeterRegistry registry, String outcome) {
    return Counter.builder("carousel.model.retrains")
        .description("Finished retrains by outcome: promoted, rejected (gate) or failed")
        .tag("outcome", outcome)
        .register(registry);
  }

  /** Returns whether this node can retrain (a trainer was handed in). */
  public boolean available() {
    return trainer != null;
  }

  /** Returns the version this node serves. */
  public String servingVersion() {
    return servingVersion;
  }

  /**
   * Starts a retrain in the background.
   *
   * @return the started retrain (state {@code running})
   * @throws ModelTrainer.Conflict when one is running
   * @throws IllegalStateException when this node has no trainer
   */
  public Retrain start() {
    requireTrainer();
    Retrain r =
        new Retrain(
            "r" + ids.incrementAndGet() + "-" + clock.millis(),
            "running",
            clock.instant().toString(),
            null,
            null,
            null,
            null);
    if (!running.compareAndSet(null, r)) {
      throw new ModelTrainer.Conflict(
          "retrain " + running.get().id() + " is running since " + running.get().startedAt());
    }
    thread.execute(() -> run(r));
    return r;
  }

  private void run(Retrain r) {
    Retrain done;
    try {
      JsonNode decision = trainer.retrain();
      String outcome = decision.path("decision").asText("rejected");
      outcomes.getOrDefault(outcome, outcomes.get("rejected")).increment();
      done =
          new Retrain(
              r.id(),
              "finished",
              r.startedAt(),
              clock.instant().toString(),
              decision.path("version").asText(null),
              outcome,
              null);
      LOG.info("retrain {}: {} {}", r.id(), done.version(), outcome);
      if ("promoted".equals(outcome)) {
        // Still "running" meanwhile: a second retrain waits until the node serves the new version.
        followCurrent();
      }
    } catch (RuntimeException | Error e) {
      outcomes.get("failed").increment();
      done =
          new Retrain(
              r.id(),
              "failed",
              r.startedAt(),
              clock.instant().toString(),
              null,
              "failed",
              e.getClass().getSimpleName() + ": " + e.getMessage());
      LOG.warn("retrain {} failed; serving is unchanged: {}", r.id(), done.error());
    }
    last.set(done);
    running.set(null);
  }

  /**
   * Points {@code current} at the previous promoted version.
   *
   * @throws ModelTrainer.Conflict when a retrain runs, or there is no earlier version
   */
  public JsonNode rollback() {
    requireTrainer();
    Retrain r = running.get();
    if (r != null) {
      throw new ModelTrainer.Conflict("retrain " + r.id() + " is running; roll back after it");
    }
    JsonNode decision = trainer.rollback();
    // On the retrain thread (loading a model takes seconds): GET /v1/model shows "swapping".
    thread.execute(this::followCurrent);
    return decision;
  }

  /**
   * Returns {@code GET /v1/model}: the serving version, the registry's current version, what the
   * current version was trained on, the last decision, the retrain running or last run, and the
   * history.
   */
  public ObjectNode status() {
    requireTrainer();
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("servingVersion", servingVersion);
    String current = trainer.currentVersion();
    out.put("currentVersion", current);
    // A node that follows the registry swaps in place (ADR 0014); one that does not, at restart.
    boolean behind = current != null && !current.equals(servingVersion);
    out.put("restartRequired", behind && follow == null);
    out.put("swapping", behind && follow != null);
    List<JsonNode> history = trainer.decisions();
    JsonNode promotedServing = null;
    for (JsonNode d : history) {
      if (d.path("version").asText("").equals(servingVersion)
          && "promoted".equals(d.path("decision").asText())) {
        promotedServing = d;
      }
    }
    if (promotedServing != null) {
      out.set("trainedOn", promotedServing.path("trainedOn"));
    } else {
      out.putNull("trainedOn");
    }
    out.set("lastDecision", history.isEmpty() ? null : history.get(history.size() - 1));
    Retrain now = running.get();
    Retrain shown = now != null ? now : last.get();
    out.set("retrain", shown == null ? null : Json.MAPPER.valueToTree(shown));
    ArrayNode all = out.putArray("history");
    history.forEach(all::add);
    return out;
  }

  private void requireTrainer() {
    if (trainer == null) {
      throw new IllegalStateException(
          "this node has no model registry: start it with carousel serve on an embedded journal");
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
