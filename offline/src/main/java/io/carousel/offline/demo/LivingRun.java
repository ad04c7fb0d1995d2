package io.carousel.offline.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carousel.engine.Catalog;
import io.carousel.engine.Item;
import io.carousel.offline.data.Interaction;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * The living-model demo's replay (issue 16 §4): the same {@link LivingPlan} stream to two servers
 * started from the same model — the <em>living</em> arm retrains after every segment ({@code POST
 * /v1/model/retrain}, then {@code GET /v1/model} until the gate's decision is in), the
 * <em>frozen</em> arm never does — and the report: online HR@k of each arm with a 95 % interval,
 * their paired difference, HR@k on the events whose item was added live against popularity, and a
 * chart of rolling HR@k with a mark at each retrain and promotion.
 *
 * <p>The arms run in lockstep: both replay a segment (concurrently, each with its own replay
 * clients), then the living arm retrains while neither receives traffic, so both see every event
 * with the same history and a retrain never races the events it is judged on. A promoted version
 * changes what the living arm serves only when the node can take it: by hot swap ({@code GET
 * /v1/model} then names it as {@code servingVersion}), or — with {@code restartToPromote} — by
 * restarting the living arm's server on it, as an operator does today. While {@code
 * restartRequired} is true and no restart is allowed, the living arm keeps serving its first model
 * and the report says so.
 */
public final class LivingRun {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Restarts the living arm's server on a promoted version; returns its new base URI. */
  public interface Restarter {
    /**
     * @param version the promoted version to serve
     */
    URI restart(String version) throws Exception;
  }

  /**
   * @param k slate size
   * @param workers replay clients per arm
   * @param restartToPromote restart the living arm on each promoted version that hot swap did not
   *     put in service
   * @param window events in a rolling HR@k point
   * @param retrainTimeout longest wait for one retrain's decision
   * @param seed of the bootstrap
   */
  public record Settings(
      int k,
      int workers,
      boolean restartToPromote,
      int window,
      Duration retrainTimeout,
      long seed) {}

  /** One retrain of the living arm, as the chart marks it and the report lists it. */
  record Retrain(
      int afterEvent,
      String version,
      String decision,
      String reason,
      double seconds,
      String servedAfter,
      String howServed,
      JsonNode gate) {}

  /** What a run produced. */
  public record Outcome(Map<String, Object> summary, String humanSummary, List<Path> files) {}

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private LivingRun() {}

  /**
   * Runs the plan against both arms and writes {@code summary.json} and {@code hit-rate-living.png}
   * under {@code reportDir}.
   *
   * @param catalog the whole dataset's catalogue (the popularity baseline's, live items included)
   * @param living the living arm's base URI (changes when it is restarted)
   * @param frozen the frozen arm's
   * @param restarter how to restart the living arm, or null
   * @param context extra facts for summary.json (training, settings)
   */
  public static Outcome run(
      String dataset,
      LivingPlan plan,
      Catalog catalog,
      Supplier<URI> living,
      Supplier<URI> frozen,
      Restarter restarter,
      Settings s,
      Path reportDir,
      Map<String, Object> context,
      PrintStream out)
      throws Exception {
    return new LivingRun()
        .replay(dataset, plan, catalog, living, frozen, restarter, s, reportDir, context, out);
  }

  private Outcome replay(
      String dataset,
      LivingPlan plan,
      Catalog catalog,
      Supplier<URI> living,
      Supplier<URI> frozen,
      Restarter restarter,
      Settings s,
      Path reportDir,
      Map<String, Object> context,
      PrintStream out)
      throws Exception {
    List<Interaction> replay = plan.replay();
    int n = replay.size();
    boolean[] hitsLiving = new boolean[n];
    boolean[] hitsFrozen = new boolean[n];
    boolean[] hitsPopular = new boolean[n];
    PopularityBaseline popLiving = new PopularityBaseline(catalog, plan.base());
    PopularityBaseline popFrozen = new PopularityBaseline(catalog, plan.base());
    List<Retrain> retrains = new ArrayList<>();
    List<Map<String, Object>> segments = new ArrayList<>();
    List<Double> loads = new ArrayList<>();
    long acked = 0;
    long missed = 0;
    double putSecondsMax = 0;
    String servingLiving = modelStatus(living.get()).path("servingVersion").asText(null);
    long t0 = System.nanoTime();
    double replaySeconds = 0;
    double retrainSeconds = 0;
    ExecutorService arms = Executors.newFixedThreadPool(2);
    try {
      for (int si = 0; si < plan.segments().size(); si++) {
        LivingPlan.Segment seg = plan.segments().get(si);
        if (!seg.putFirst().isEmpty()) {
          putSecondsMax =
              Math.max(
                  putSecondsMax,
                  Math.max(
                      putItems(living.get(), seg.putFirst()),
                      putItems(frozen.get(), seg.putFirst())));
        }
        List<Interaction> part = replay.subList(seg.from(), seg.to());
        long r0 = System.nanoTime();
        ReplayClient lc = new ReplayClient(living.get(), s.k(), s.workers(), Duration.ofSeconds(5));
        ReplayClient fc = new ReplayClient(frozen.get(), s.k(), s.workers(), Duration.ofSeconds(5));
        Future<ReplayResult> lf =
            arms.submit(() -> lc.replay(part, seg.from(), popLiving, () -> {}));
        Future<ReplayResult> ff =
            arms.submit(() -> fc.replay(part, seg.from(), popFrozen, () -> {}));
        ReplayResult lr = lf.get();
        ReplayResult fr = ff.get();
        replaySeconds += (System.nanoTime() - r0) / 1e9;
        acked += lr.eventsAcknowledged() + fr.eventsAcknowledged();
        missed += lr.missedPushes() + fr.missedPushes();
        boolean[] l = LivingStats.bits(lr.hitTimeline(), 0);
        boolean[] f = LivingStats.bits(fr.hitTimeline(), 0);
        boolean[] p = LivingStats.bits(lr.hitTimeline(), 1);
        System.arraycopy(l, 0, hitsLiving, seg.from(), l.length);
        System.arraycopy(f, 0, hitsFrozen, seg.from(), f.length);
        System.arraycopy(p, 0, hitsPopular, seg.from(), p.length);
        double load = loadAverage();
        loads.add(load);
        Map<String, Object> segJson = new LinkedHashMap<>();
        segJson.put("events", List.of(seg.from(), seg.to()));
        segJson.put("livingServes", servingLiving);
        segJson.put("liveItemsPut", seg.putFirst().size());
        segJson.put("hrLiving", DemoReport.round(mean(l), 4));
        segJson.put("hrFrozen", DemoReport.round(mean(f), 4));
        segJson.put("hrPopularity", DemoReport.round(mean(p), 4));
        segJson.put(
            "eventsPerSecondPerArm",
            DemoReport.round(part.size() / ((System.nanoTime() - r0) / 1e9), 1));
        segJson.put("loadAverage1m", load);
        segments.add(segJson);
        out.printf(
            "segment %d/%d: events %d-%d, %d live items put; HR@%d living (%s) %.3f, frozen %.3f,"
                + " popularity %.3f; load %.1f%n",
            si + 1,
            plan.segments().size(),
            seg.from(),
            seg.to(),
            seg.putFirst().size(),
            s.k(),
            servingLiving,
            mean(l),
            mean(f),
            mean(p),
            load);
        if (seg.retrainAfter()) {
          Retrain r = retrain(living, restarter, s, seg.to(), servingLiving, out);
          retrainSeconds += r.seconds();
          retrains.add(r);
          servingLiving = r.servedAfter();
        }
      }
    } finally {
      arms.shutdownNow();
    }
    double wall = (System.nanoTime() - t0) / 1e9;

    boolean[] liveEvents = plan.liveItemEvents();
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("dataset", dataset);
    summary.put("k", s.k());
    summary.put("events_replayed_per_arm", n);
    summary.put("events_acknowledged_both_arms", acked);
    summary.put("missed_pushes_both_arms", missed);
    summary.put("base_interactions", plan.base().size());
    summary.put("base_items", plan.baseItems().size());
    summary.put("retrain_every", plan.segments().get(0).to() - plan.segments().get(0).from());
    Map<String, Object> hr = new LinkedHashMap<>();
    hr.put("living", LivingStats.rate(replay, hitsLiving, null, s.seed()).json());
    hr.put("frozen", LivingStats.rate(replay, hitsFrozen, null, s.seed()).json());
    hr.put("popularity", LivingStats.rate(replay, hitsPopular, null, s.seed()).json());
    hr.put(
        "living_minus_frozen",
        LivingStats.difference(replay, hitsLiving, hitsFrozen, null, s.seed()).json());
    // After the first promotion that the living arm served: where a difference can come from.
    int firstServed = firstServedPromotion(retrains);
    if (firstServed >= 0) {
      boolean[] after = new boolean[n];
      for (int i = firstServed; i < n; i++) {
        after[i] = true;
      }
      hr.put("after_first_served_promotion_from_event", firstServed);
      hr.put(
          "living_minus_frozen_after_first_served_promotion",
          LivingStats.difference(replay, hitsLiving, hitsFrozen, after, s.seed()).json());
    }
    summary.put("hr_at_" + s.k(), hr);
    Map<String, Object> live = new LinkedHashMap<>();
    live.put("items_added_live", plan.liveItems().size());
    live.put("living", LivingStats.rate(replay, hitsLiving, liveEvents, s.seed()).json());
    live.put("frozen", LivingStats.rate(replay, hitsFrozen, liveEvents, s.seed()).json());
    live.put("popularity", LivingStats.rate(replay, hitsPopular, liveEvents, s.seed()).json());
    live.put("slowest_put_until_listed_seconds", DemoReport.round(putSecondsMax, 3));
    summary.put("hr_at_" + s.k() + "_on_live_item_events", live);
    List<Map<String, Object>> retrainJson = new ArrayList<>();
    for (Retrain r : retrains) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("after_event", r.afterEvent());
      m.put("version", r.version());
      m.put("decision", r.decision());
      m.put("reason", r.reason());
      m.put("seconds", DemoReport.round(r.seconds(), 1));
      m.put("living_serves_after", r.servedAfter());
      m.put("how_served", r.howServed());
      m.put("gate", JSON.convertValue(r.gate(), Map.class));
      retrainJson.add(m);
    }
    summary.put("retrains", retrainJson);
    summary.put("segments", segments);
    summary.put("wall_seconds", DemoReport.round(wall, 1));
    summary.put("replay_seconds", DemoReport.round(replaySeconds, 1));
    summary.put("retrain_seconds", DemoReport.round(retrainSeconds, 1));
    summary.put(
        "load_average_1m_mean",
        DemoReport.round(loads.stream().mapToDouble(Double::doubleValue).average().orElse(0), 2));
    summary.putAll(context);

    Files.createDirectories(reportDir);
    Path json = reportDir.resolve("summary.json");
    Files.writeString(
        json,
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(summary),
        StandardCharsets.UTF_8);
    Path png = reportDir.resolve("hit-rate-living.png");
    LivingChart.write(png, hitsLiving, hitsFrozen, hitsPopular, retrains, s.window(), s.k());
    return new Outcome(summary, human(summary, s.k()), List.of(json, png));
  }

  private static int firstServedPromotion(List<Retrain> retrains) {
    for (Retrain r : retrains) {
      if ("promoted".equals(r.decision()) && r.version().equals(r.servedAfter())) {
        return r.afterEvent();
      }
    }
    return -1;
  }

  /**
   * Starts a retrain on the living arm, waits for its decision, and puts a promotion in service.
   */
  private Retrain retrain(
      Supplier<URI> living,
      Restarter restarter,
      Settings s,
      int afterEvent,
      String serving,
      PrintStream out)
      throws Exception {
    long t0 = System.nanoTime();
    HttpResponse<String> started = send(post(living.get(), "/v1/model/retrain"));
    if (started.statusCode() != 202) {
      throw new IllegalStateException(
          "POST /v1/model/retrain answered " + started.statusCode() + ": " + started.body());
    }
    String id = JSON.readTree(started.body()).path("retrainId").asText();
    JsonNode status;
    long deadline = System.nanoTime() + s.retrainTimeout().toNanos();
    while (true) {
      status = modelStatus(living.get());
      JsonNode r = status.path("retrain");
      // GET /v1/model names the retrain "id" (the POST's answer "retrainId").
      if (id.equals(r.path("id").asText()) && !"running".equals(r.path("state").asText())) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "retrain " + id + " has no decision after " + s.retrainTimeout() + ": " + r);
      }
      Thread.sleep(500);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    JsonNode r = status.path("retrain");
    if ("failed".equals(r.path("state").asText())) {
      out.printf("retrain after event %d failed: %s%n", afterEvent, r.path("error").asText());
      return new Retrain(
          afterEvent,
          null,
          "failed",
          r.path("error").asText(),
          seconds,
          serving,
          "unchanged",
          status.path("lastDecision"));
    }
    JsonNode decision = status.path("lastDecision");
    String version = r.path("version").asText();
    String outcome = r.path("decision").asText();
    String servedAfter = status.path("servingVersion").asText(null);
    String how = "unchanged";
    if ("promoted".equals(outcome)) {
      if (version.equals(servedAfter)) {
        how = "hot swap";
      } else if (!status.path("restartRequired").asBoolean()) {
        // A swap in progress: wait for the node to name the version it serves.
        servedAfter = awaitServing(living, version, Duration.ofSeconds(60));
        how = version.equals(servedAfter) ? "hot swap" : "not served";
      } else if (restarter != null && s.restartToPromote()) {
        URI base = restarter.restart(version);
        servedAfter = modelStatus(base).path("servingVersion").asText(null);
        how = "restart";
      } else {
        how = "not served: restartRequired (no hot swap)";
      }
    }
    JsonNode diff = decision.path("difference");
    out.printf(
        "retrain after event %d: %s %s in %.1f s (gate ΔNDCG@10 %s %s); living serves %s (%s)%n",
        afterEvent,
        version,
        outcome,
        seconds,
        diff.path("ndcgAt10").isMissingNode()
            ? "-"
            : String.format("%+.4f", diff.path("ndcgAt10").asDouble()),
        diff.path("ndcgAt10Interval95"),
        servedAfter,
        how);
    ObjectNode gate = JSON.createObjectNode();
    gate.set("metrics", decision.path("metrics"));
    gate.set("difference", diff);
    gate.set("slice", decision.path("slice"));
    gate.set("trainedOn", decision.path("trainedOn"));
    return new Retrain(
        afterEvent,
        version,
        outcome,
        decision.path("reason").asText(),
        seconds,
        servedAfter,
        how,
        gate);
  }

  private String awaitServing(Supplier<URI> living, String version, Duration wait)
      throws Exception {
    long deadline = System.nanoTime() + wait.toNanos();
    String serving = null;
    while (System.nanoTime() < deadline) {
      serving = modelStatus(living.get()).path("servingVersion").asText(null);
      if (version.equals(serving)) {
        return serving;
      }
      Thread.sleep(250);
    }
    return serving;
  }

  private JsonNode modelStatus(URI base) throws IOException {
    HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("/v1/model")).GET().build());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET /v1/model answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  /**
   * PUTs {@code items} (their dataset text as title, the rest as description) and waits until each
   * is listed by {@code GET /v1/items/{id}}; returns the seconds that took.
   */
  private double putItems(URI base, List<Item> items) throws Exception {
    long t0 = System.nanoTime();
    for (int from = 0; from < items.size(); from += 1000) {
      StringBuilder body = new StringBuilder();
      for (Item item : items.subList(from, Math.min(items.size(), from + 1000))) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("itemId", item.itemId());
        String text = item.text() == null || item.text().isBlank() ? item.itemId() : item.text();
        line.put("title", text.substring(0, Math.min(1000, text.length())));
        if (text.length() > 1000) {
          line.put("description", text.substring(1000, Math.min(11_000, text.length())));
        }
        if (item.category() != null && !item.category().isEmpty()) {
          line.put(
              "category", item.category().substring(0, Math.min(100, item.category().length())));
        }
        body.append(JSON.writeValueAsString(line)).append('\n');
      }
      HttpResponse<String> r =
          send(
              HttpRequest.newBuilder(base.resolve("/v1/items"))
                  .header("Content-Type", "application/x-ndjson")
                  .PUT(HttpRequest.BodyPublishers.ofString(body.toString()))
                  .build());
      if (r.statusCode() / 100 != 2) {
        throw new IllegalStateException(
            "PUT /v1/items answered " + r.statusCode() + ": " + r.body());
      }
    }
    long deadline = System.nanoTime() + 30_000_000_000L;
    for (Item item : items) {
      URI uri =
          base.resolve(
              "/v1/items/"
                  + URLEncoder.encode(item.itemId(), StandardCharsets.UTF_8).replace("+", "%20"));
      while (send(HttpRequest.newBuilder(uri).GET().build()).statusCode() != 200) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "item " + item.itemId() + " not listed 30 s after its PUT");
        }
        Thread.sleep(20);
      }
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private static HttpRequest post(URI base, String path) {
    return HttpRequest.newBuilder(base.resolve(path))
        .POST(HttpRequest.BodyPublishers.noBody())
        .build();
  }

  private HttpResponse<String> send(HttpRequest req) throws IOException {
    try {
      return http.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static double mean(boolean[] b) {
    int c = 0;
    for (boolean x : b) {
      c += x ? 1 : 0;
    }
    return b.length == 0 ? 0 : (double) c / b.length;
  }

  /** The 1-minute load average from /proc/loadavg, NaN where there is none. */
  static double loadAverage() {
    try {
      String s = Files.readString(Path.of("/proc/loadavg"));
      return Double.parseDouble(s.split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  @SuppressWarnings("unchecked")
  static String human(Map<String, Object> s, int k) {
    Map<String, Object> hr = (Map<String, Object>) s.get("hr_at_" + k);
    Map<String, Object> live = (Map<String, Object>) s.get("hr_at_" + k + "_on_live_item_events");
    StringBuilder b = new StringBuilder();
    b.append(String.format("%n=== Carousel living-model demo: %s ===%n", s.get("dataset")));
    b.append(
        String.format(
            "events replayed        %s to each arm, retrain every %s%n",
            s.get("events_replayed_per_arm"), s.get("retrain_every")));
    b.append(String.format("online HR@%d living    %s%n", k, line(hr.get("living"))));
    b.append(String.format("online HR@%d frozen    %s%n", k, line(hr.get("frozen"))));
    b.append(String.format("living - frozen        %s%n", line(hr.get("living_minus_frozen"))));
    b.append(String.format("popularity             %s%n", line(hr.get("popularity"))));
    b.append(
        String.format("live-item events (%s items added by PUT):%n", live.get("items_added_live")));
    b.append(
        String.format(
            "  living %s%n  frozen %s%n  popularity %s%n",
            line(live.get("living")), line(live.get("frozen")), line(live.get("popularity"))));
    for (Map<String, Object> r : (List<Map<String, Object>>) s.get("retrains")) {
      b.append(
          String.format(
              "retrain after %s: %s %s (%s s), living serves %s (%s)%n",
              r.get("after_event"),
              r.get("version"),
              r.get("decision"),
              r.get("seconds"),
              r.get("living_serves_after"),
              r.get("how_served")));
    }
    b.append(
        String.format(
            "wall %s s (replay %s s, retrains %s s), mean load average %s%n",
            s.get("wall_seconds"),
            s.get("replay_seconds"),
            s.get("retrain_seconds"),
            s.get("load_average_1m_mean")));
    return b.toString();
  }

  @SuppressWarnings("unchecked")
  private static String line(Object rate) {
    Map<String, Object> r = (Map<String, Object>) rate;
    List<Object> ci = (List<Object>) r.get("interval95");
    return String.format(
        "%s [%s, %s] over %s events, %s users",
        r.get("value"), ci.get(0), ci.get(1), r.get("events"), r.get("users"));
  }
}
