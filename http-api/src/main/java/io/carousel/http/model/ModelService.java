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
  private volatile Challenging challenging;
  // The challenger run this node compares (its counts since it first saw the challenger); guarded
  // by this.
  private Run run;
  private Run lastRun;

  /**
   * How the node runs champion/challenger (ADR 0014): the rule, the share, the challenger it serves
   * now (null: none), this node's counts per model version, and how it follows {@code
   * models/challenger}.
   */
  public record Challenging(
      ChallengerRule rule,
      double share,
      java.util.function.Supplier<String> served,
      java.util.function.Function<String, ChallengerRule.Arm> counts,
      Runnable follow) {}

  /** One challenger run on this node: the baseline counts when it began, the last outcome. */
  private static final class Run {
    final String challenger;
    final String champion;
    final java.time.Instant startedAt;
    final ChallengerRule.Arm challengerBase;
    final ChallengerRule.Arm championBase;
    ChallengerRule.Outcome outcome;
    ChallengerRule.Arm challengerArm;
    ChallengerRule.Arm championArm;
    String state = "running";

    Run(String challenger, String champion, java.time.Instant startedAt, Challenging c) {
      this.challenger = challenger;
      this.champion = champion;
      this.startedAt = startedAt;
      this.challengerBase = c.counts().apply(challenger);
      this.championBase = c.counts().apply(champion);
    }
  }

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

  /** Sets how this node runs champion/challenger; without it there is no decider. */
  public void challengeWith(Challenging challenging) {
    this.challenging = challenging;
  }

  /**
   * Serves {@code version} as the challenger: {@code models/challenger} through the registry (so
   * every node follows it), then this node follows at once.
   *
   * @throws ModelTrainer.Conflict when the share is 0, the version is missing, current or damaged,
   *     or a challenger runs
   */
  public JsonNode startChallenger(String version) {
    requireTrainer();
    Challenging c = challenging;
    if (c == null || c.share() <= 0) {
      throw new ModelTrainer.Conflict(
          "carousel.training.challenger-share is 0 on this node: set it in (0, 1] to serve a"
              + " challenger");
    }
    JsonNode decision = trainer.startChallenger(version);
    thread.execute(() -> followChallenger(c));
    return decision;
  }

  private static void followChallenger(Challenging c) {
    try {
      c.follow().run();
    } catch (RuntimeException e) {
      LOG.warn("following the registry's challenger failed: {}", e.toString());
    }
  }

  private final java.util.concurrent.atomic.AtomicBoolean tickQueued =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * Queues one {@link #decideChallenger} on the retrain thread (file writes stay off serving's
   * dispatchers); nothing while a retrain runs or a tick is queued.
   */
  public void tickChallenger() {
    if (challenging == null || running.get() != null || !tickQueued.compareAndSet(false, true)) {
      return;
    }
    try {
      thread.execute(
          () -> {
            tickQueued.set(false);
            try {
              decideChallenger();
            } catch (RuntimeException e) {
              LOG.warn("challenger decision failed; serving is unchanged: {}", e.toString());
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      tickQueued.set(false);
    }
  }

  /**
   * The decider's tick: compares the challenger this node serves with the champion on this node's
   * counts since it first saw the challenger, and promotes or drops it through the registry when
   * {@link ChallengerRule} says so (recorded in decisions.json; every node follows). Skipped while
   * a retrain runs (one writer of the registry at a time).
   *
   * @return the recorded decision, or null when none was taken
   */
  public synchronized JsonNode decideChallenger() {
    Challenging c = challenging;
    if (c == null || trainer == null) {
      return null;
    }
    String served = c.served().get();
    if (served == null) {
      if (run != null) {
        // Ended elsewhere (another node, an operator removed models/challenger).
        if ("running".equals(run.state)) {
          run.state = "ended";
        }
        lastRun = run;
        run = null;
      }
      return null;
    }
    if (run != null && run.challenger.equals(served) && !"running".equals(run.state)) {
      return null; // decided; the node is following the registry
    }
    if (run == null || !run.challenger.equals(served) || !run.champion.equals(servingVersion)) {
      run = new Run(served, servingVersion, clock.instant(), c);
    }
    ChallengerRule.Outcome o = measure(run, c);
    if (o.verdict() == ChallengerRule.Verdict.WAIT || running.get() != null) {
      return null;
    }
    boolean promote = o.verdict() == ChallengerRule.Verdict.PROMOTE;
    ObjectNode d = Json.MAPPER.createObjectNode();
    d.put("version", run.challenger);
    d.put("decidedAt", clock.instant().toString());
    d.put("servingVersion", run.champion);
    d.put("decision", promote ? "challenger-promoted" : "challenger-dropped");
    d.put("reason", o.reason());
    run.state = promote ? "promoted" : "dropped";
    d.set("challenger", challengerJson(run, c));
    boolean ended;
    try {
      ended = trainer.endChallenger(d, promote);
    } catch (RuntimeException e) {
      run.state = "running";
      throw e;
    }
    if (!ended) {
      run.state = "running";
      return null;
    }
    LOG.info("challenger {} {}: {}", run.challenger, run.state, o.reason());
    thread.execute(
        () -> {
          if (promote) {
            followCurrent();
          }
          followChallenger(c);
        });
    return d;
  }

  /** Updates the run's arms (counts since it began) and outcome from the node's counters now. */
  private ChallengerRule.Outcome measure(Run r, Challenging c) {
    r.challengerArm = minus(c.counts().apply(r.challenger), r.challengerBase);
    r.championArm = minus(c.counts().apply(r.champion), r.championBase);
    r.outcome =
        c.rule()
            .decide(
                r.challengerArm,
                r.championArm,
                java.time.Duration.between(r.startedAt, clock.instant()));
    return r.outcome;
  }

  private static ChallengerRule.Arm minus(ChallengerRule.Arm now, ChallengerRule.Arm base) {
    return new ChallengerRule.Arm(
        now.version(),
        now.slates() - base.slates(),
        now.clickedSlates() - base.clickedSlates(),
        now.conversions() - base.conversions());
  }

  private static ObjectNode challengerJson(Run r, Challenging c) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("version", r.challenger);
    o.put("champion", r.champion);
    o.put("share", c.share());
    o.put("state", r.state);
    o.put("startedAt", r.startedAt.toString());
    o.set("arms", arms(r));
    ChallengerRule.Outcome out = r.outcome;
    putNumber(o, "ctrDifference", out.difference());
    ArrayNode ci = o.putArray("ctrDifference95");
    if (Double.isNaN(out.low())) {
      ci.addNull().addNull();
    } else {
      ci.add(out.low()).add(out.high());
    }
    o.put("verdict", out.verdict().name().toLowerCase(java.util.Locale.ROOT));
    o.put("reason", out.reason());
    ObjectNode rule = o.putObject("rule");
    rule.put("minSlates", c.rule().minSlates());
    rule.put("tolerance", c.rule().tolerance());
    rule.put("maxDuration", c.rule().maxDuration().toString());
    rule.put("interval", "Newcombe hybrid score (Wilson per arm), 95 %, slates as units");
    return o;
  }

  private static ObjectNode arms(Run r) {
    ObjectNode arms = Json.MAPPER.createObjectNode();
    for (ChallengerRule.Arm a : List.of(r.challengerArm, r.championArm)) {
      ObjectNode x = arms.putObject(a == r.challengerArm ? "challenger" : "champion");
      x.put("version", a.version());
      x.put("slates", a.slates());
      x.put("clickedSlates", a.clickedSlates());
      x.put("conversions", a.conversions());
      x.put("ctr", a.ctr());
      x.put("conversionRate", a.slates() == 0 ? 0 : (double) a.conversions() / a.slates());
    }
    return arms;
  }

  private static void putNumber(ObjectNode o, String field, double v) {
    if (Double.isNaN(v)) {
      o.putNull(field);
    } else {
      o.put(field, v);
    }
  }

  /**
   * Returns {@code GET /v1/model}'s {@code challenger}: the run now, else the last one, or null.
   */
  private synchronized JsonNode challengerStatus() {
    Challenging c = challenging;
    if (c == null) {
      return null;
    }
    String served = c.served().get();
    if (served != null
        && (run == null || !run.challenger.equals(served) || !run.champion.equals(servingVersion))
        && !(run != null && run.challenger.equals(served) && !"running".equals(run.state))) {
      run = new Run(served, servingVersion, clock.instant(), c);
    }
    Run shown = run != null ? run : lastRun;
    if (shown == null) {
      return null;
    }
    if ("running".equals(shown.state)) {
      measure(shown, c);
    }
    return challengerJson(shown, c);
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
    out.set("challenger", challengerStatus());
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
