package io.carousel.http.ops;

import static akka.http.javadsl.server.PathMatchers.segment;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpCharsets;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.Uri;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import io.carousel.http.ErrorMapping;
import io.carousel.http.Json;
import io.carousel.http.Problem;
import io.carousel.http.node.JournalWarmUp;
import io.carousel.user.CarouselMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The operational surface: {@code /health/alive}, {@code /health/ready} (bound, and the journal
 * answers now), {@code /metrics} (Prometheus), {@code /v1/stats} (per-policy CTR on this node),
 * {@code /openapi.yaml} and the {@code /demo} page.
 */
public final class OpsRoutes extends AllDirectives {
  private final ActorSystem<?> system;
  private final CarouselMetrics metrics;
  private final MeterRegistry registry;
  private final Duration askTimeout;
  private final Supplier<Boolean> ready;
  private final Supplier<Object> node;

  /**
   * @param node the node-wide learning as {@code /v1/stats} shows it under {@code node}
   */
  public OpsRoutes(
      ActorSystem<?> system,
      CarouselMetrics metrics,
      MeterRegistry registry,
      Duration askTimeout,
      Supplier<Boolean> ready,
      Supplier<Object> node) {
    this.node = node;
    this.system = system;
    this.metrics = metrics;
    this.registry = registry;
    this.askTimeout = askTimeout;
    this.ready = ready;
  }

  /** Returns the operational routes. */
  public Route routes() {
    return concat(
        path("metrics", () -> get(this::scrape)),
        path(segment("v1").slash("stats"), () -> get(this::stats)),
        path(
            "openapi.yaml",
            () ->
                get(
                    () ->
                        getFromResource(
                            "openapi.yaml",
                            ContentTypes.create(
                                MediaTypes.applicationWithOpenCharset("yaml"),
                                HttpCharsets.UTF_8)))),
        path(
            "demo", () -> get(() -> getFromResource("web/demo.html", ContentTypes.TEXT_HTML_UTF8))),
        // The address start-up prints: a person who opens it lands on the demo page.
        pathSingleSlash(() -> get(() -> redirect(Uri.create("/demo"), StatusCodes.FOUND))),
        path(segment("health").slash("alive"), () -> get(this::alive)),
        path(segment("health").slash("ready"), () -> get(this::readiness)));
  }

  private Route alive() {
    return complete(Json.response(200, java.util.Map.of("status", "alive")));
  }

  private Route stats() {
    Map<String, Object> policies = new LinkedHashMap<>();
    metrics
        .policyStats()
        .forEach(
            (name, p) ->
                policies.put(
                    name,
                    Map.of(
                        "slates", p.slates(),
                        "impressions", p.impressions(),
                        "clicks", p.clicks(),
                        "ctr", p.ctr())));
    return complete(
        Json.response(200, Map.of("scope", "this node", "policies", policies, "node", node.get())));
  }

  /**
   * The node-wide learning as {@code /v1/stats} shows it: per trend its interactions and ten most
   * trending items, per policy pool the impressions and updates learned and the pooled mean, the
   * new items' exploration statistics. Equal before a restart and after it (NodeStateStore).
   */
  public static Map<String, Object> nodeSummary(io.carousel.user.ProfileDependencies deps) {
    io.carousel.user.NodeState s = io.carousel.user.NodeState.capture(deps, 0);
    java.util.List<Object> trends = new java.util.ArrayList<>();
    for (io.carousel.user.NodeState.Trend t : s.trends()) {
      java.util.List<Map<String, Object>> top = new java.util.ArrayList<>();
      t.raw().entrySet().stream()
          .sorted(
              Map.Entry.<String, Double>comparingByValue()
                  .reversed()
                  .thenComparing(Map.Entry.comparingByKey()))
          .limit(10)
          .forEach(e -> top.add(Map.of("itemId", e.getKey(), "weight", e.getValue())));
      trends.add(
          Map.of(
              "halfLife",
              t.halfLife(),
              "interactions",
              t.clock(),
              "landmark",
              t.landmark(),
              "top",
              top));
    }
    Map<String, Object> pools = new LinkedHashMap<>();
    s.pools()
        .forEach(
            (policy, p) ->
                pools.put(
                    policy,
                    Map.of(
                        "impressions", p.impressions(),
                        "updates", p.global().updates(),
                        "mean", p.global().mean())));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("seededFrom", deps.metrics().nodeStateOrigin());
    out.put("trends", trends);
    out.put("pools", pools);
    out.put("newItems", s.newItems());
    return out;
  }

  private Route scrape() {
    String body =
        registry instanceof PrometheusMeterRegistry prometheus
            ? prometheus.scrape()
            : "# no Prometheus registry configured\n";
    return complete(
        HttpResponse.create()
            .withEntity(
                ContentTypes.create(MediaTypes.TEXT_PLAIN, HttpCharsets.UTF_8),
                body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  private Route readiness() {
    if (!ready.get()) {
      return complete(
          Json.problem(Problem.of(503, "Service Unavailable", null, "starting: not bound yet")));
    }
    // Ready means the journal answers now: recover a read-only probe (persists nothing).
    CompletableFuture<akka.Done> recovered = new CompletableFuture<>();
    system.systemActorOf(
        JournalWarmUp.create("carousel-readiness-probe", recovered),
        "readiness-probe-" + UUID.randomUUID(),
        Props.empty());
    CompletionStage<HttpResponse> reply =
        recovered
            .orTimeout(askTimeout.toMillis(), TimeUnit.MILLISECONDS)
            .handle(
                (done, failure) ->
                    failure == null
                        ? Json.response(200, Map.of("status", "ready"))
                        : Json.problem(
                            Problem.of(
                                503,
                                "Service Unavailable",
                                null,
                                "journal not answering: " + failure.getClass().getSimpleName())));
    return onComplete(reply, this::completeTry);
  }

  private Route completeTry(scala.util.Try<HttpResponse> result) {
    return result.isSuccess()
        ? complete(result.get())
        : complete(ErrorMapping.fromFailure(result.failed().get()));
  }
}
