package io.carousel.offline.living;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carousel.engine.Item;
import io.carousel.engine.privacy.DpSettings;
import io.carousel.engine.text.MiniLmTextEncoder;
import io.carousel.engine.text.TextEncoder;
import io.carousel.offline.data.Interaction;
import io.carousel.offline.train.CachedTextEncoder;
import io.carousel.offline.train.TrainingPipeline;
import io.carousel.offline.train.TrainingThreads;
import io.carousel.offline.train.TwoTowerConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The automated tuning of a retrain (ADR 0012 §3b): a small grid of training settings, each trained
 * on the earlier part of the candidate's own training events and ranked on the newest {@code
 * holdout} share of them (the validation slice, built as the gate builds its slice), within a time
 * budget. The gate's slice is never read: validation ends before the gate's cut.
 *
 * <p>The grid, in this order (cheapest departures first after the default): the configured point;
 * learning rate ×2 and ÷2 (Adam's step is what decides how far a few epochs get on a small log);
 * epochs ×2 (under- versus over-fitting of the id embeddings); width ×2 (capacity for a larger
 * catalogue, the dearest point). The wide part's weights are not in the grid: {@code WideChoice}
 * chooses them on its own fit/validation split in every training already.
 *
 * <p>Budget: the default point always runs to the end; a further point starts only when the time
 * spent so far plus its estimate (the default point's wall time × its epochs and width ratios) fits
 * within the budget; the rest are recorded as not tried. The best NDCG@10 on validation wins (ties:
 * the earlier point, so the default unless beaten). The chosen settings are then trained on all of
 * the candidate's events (the tuning models saw less), by the caller.
 */
final class Tuning {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A grid point. */
  record Point(String name, TwoTowerConfig config) {}

  /** The outcome: the chosen settings and the record of the search. */
  record Result(TwoTowerConfig chosen, ObjectNode json) {}

  private Tuning() {}

  /** Returns the grid around {@code base}, the default first. */
  static List<Point> grid(TwoTowerConfig base) {
    return List.of(
        new Point("default", base),
        new Point("learning rate x2", base.withLearningRate(base.learningRate() * 2)),
        new Point("learning rate /2", base.withLearningRate(base.learningRate() / 2)),
        new Point("epochs x2", base.withEpochs(base.epochs() * 2)),
        new Point("width x2", base.withDim(base.dim() * 2)));
  }

  /**
   * Searches the grid.
   *
   * @param all the merged log, sorted by time (as the pipeline reads {@code source})
   * @param cut the gate's cut: the candidate trains on {@code all[0, cut)}
   */
  static Result run(
      ContinuousTraining.Options o,
      String source,
      List<Interaction> all,
      int cut,
      Set<String> liveItems,
      PrintStream log) {
    long t0 = System.nanoTime();
    Duration budget = o.tuningBudget();
    ObjectNode json = JSON.createObjectNode();
    json.put("budgetSeconds", budget.toMillis() / 1000.0);
    json.put("holdout", o.holdout());
    List<Interaction> train = all.subList(0, cut);
    int validationStart = ValidationGate.holdoutStart(train, o.holdout());
    ValidationGate.Slice slice =
        ValidationGate.sliceFrom(train, Math.min(validationStart, cut), liveItems);
    ObjectNode v = json.putObject("validation");
    v.put("firstEventMs", validationStart < cut ? train.get(validationStart).timestampMs() : 0);
    v.put("lastEventMs", cut > 0 ? train.get(cut - 1).timestampMs() : 0);
    v.put("heldOutEvents", slice.heldOutEvents());
    v.put("users", slice.users().size());
    v.put("targets", slice.targets());
    ArrayNode points = json.putArray("points");
    ArrayNode notTried = json.putArray("notTried");
    List<Point> grid = grid(o.config());
    if (validationStart == 0 || slice.users().isEmpty()) {
      json.put("chosen", "default");
      json.put("reason", "no validation user with a history before the validation cut");
      grid.forEach(p -> notTried.add(p.name()));
      json.put("wallSeconds", (System.nanoTime() - t0) / 1e9);
      return new Result(o.config(), json);
    }
    double fraction = (validationStart + 0.5) / all.size();
    PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
    double bestNdcg = Double.NEGATIVE_INFINITY;
    Point best = grid.get(0);
    double defaultSeconds = 0;
    try (CachedTextEncoder encoder =
        new CachedTextEncoder(new MiniLmTextEncoder(), o.dataDir().resolve("cache"))) {
      for (int i = 0; i < grid.size(); i++) {
        Point p = grid.get(i);
        double spent = (System.nanoTime() - t0) / 1e9;
        double estimate =
            defaultSeconds
                * ((double) p.config().epochs() / o.config().epochs())
                * ((double) p.config().dim() / o.config().dim());
        if (i > 0 && spent + estimate > budget.toMillis() / 1000.0) {
          notTried.add(p.name());
          continue;
        }
        long p0 = System.nanoTime();
        ValidationGate.Scored scored = trainAndScore(o, source, fraction, p, slice, encoder, quiet);
        double seconds = (System.nanoTime() - p0) / 1e9;
        if (i == 0) {
          defaultSeconds = seconds;
        }
        ObjectNode n = points.addObject();
        n.put("name", p.name());
        n.put("dim", p.config().dim());
        n.put("epochs", p.config().epochs());
        n.put("learningRate", p.config().learningRate());
        n.put("ndcgAt10", scored.ndcg());
        n.put("hrAt10", scored.hr());
        n.put("wallSeconds", seconds);
        log.printf(
            "tuning %s: validation NDCG@10 %.4f, HR@10 %.4f (%.1f s)%n",
            p.name(), scored.ndcg(), scored.hr(), seconds);
        if (scored.ndcg() > bestNdcg) {
          bestNdcg = scored.ndcg();
          best = p;
        }
      }
    }
    json.put("chosen", best.name());
    json.put("chosenConfig", best.config().toString());
    json.put("wallSeconds", (System.nanoTime() - t0) / 1e9);
    log.printf("tuning chose %s (validation NDCG@10 %.4f)%n", best.name(), bestNdcg);
    return new Result(best.config(), json);
  }

  private static ValidationGate.Scored trainAndScore(
      ContinuousTraining.Options o,
      String source,
      double fraction,
      Point p,
      ValidationGate.Slice slice,
      TextEncoder encoder,
      PrintStream quiet) {
    TrainingPipeline.Prepared prepared =
        TrainingThreads.bounded(
            o.threads(),
            () ->
                TrainingPipeline.prepare(
                    o.dataRoot(),
                    source,
                    o.dataDir(),
                    p.config(),
                    fraction,
                    DpSettings.OFF,
                    quiet));
    try {
      Map<String, String> texts = new HashMap<>();
      for (Item item : prepared.meta().items()) {
        texts.put(item.itemId(), item.text());
      }
      return ValidationGate.score(p.name(), prepared.modelDir(), slice, texts, encoder);
    } finally {
      ContinuousTraining.deleteQuietly(prepared.modelDir());
    }
  }
}
