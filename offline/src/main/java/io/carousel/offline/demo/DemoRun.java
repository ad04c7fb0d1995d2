package io.carousel.offline.demo;

import io.carousel.offline.data.Interaction;
import io.carousel.offline.train.TrainingPipeline;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;

/** The replay half of the demo: drive the running server, then write and format the report. */
public final class DemoRun {
  /**
   * @param summary the summary.json content
   * @param humanSummary the printed summary
   * @param files the report files written
   * @param invariantsHold every event acknowledged, one slate per request, no duplicate item in a
   *     slate, a WebSocket slate after every event
   */
  public record Outcome(
      Map<String, Object> summary, String humanSummary, List<Path> files, boolean invariantsHold) {}

  private DemoRun() {}

  /**
   * Replays {@code replay} against the server at {@code host:port} and writes the report.
   *
   * @throws InterruptedException if interrupted while replaying
   */
  public static Outcome run(
      String host,
      int port,
      TrainingPipeline.Prepared prepared,
      List<Interaction> replay,
      int k,
      int workers,
      String persistence,
      Path reportDir)
      throws InterruptedException {
    PopularityBaseline baseline =
        new PopularityBaseline(prepared.dataset().catalog(), prepared.split().train());
    ReplayClient client =
        new ReplayClient(
            URI.create("http://" + host + ":" + port), k, workers, Duration.ofSeconds(5));
    long before = client.alreadyRecorded(replay);
    if (before > 0) {
      throw new IllegalArgumentException(
          "this data directory's journal already holds the replay (user "
              + replay.get(0).userId()
              + " has "
              + before
              + " events): a second demo here would only replay duplicates. Use a fresh"
              + " --data-dir, or delete <data-dir>/journal to start over");
    }
    ReplayResult result;
    try (ProgressBar bar =
        io.carousel.offline.train.Progress.builder("replaying events", replay.size()).build()) {
      result = client.replay(replay, baseline, bar::step);
    }
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("replay_workers", workers);
    context.put("users_replayed", ReplayClient.users(replay).size());
    context.put("items", prepared.dataset().catalog().size());
    context.put("train_interactions", prepared.split().train().size());
    context.put("later_interactions", prepared.split().replay().size());
    context.put("model_dir", prepared.modelDir().toString());
    context.put(
        "training_seconds",
        prepared.training() == null ? null : DemoReport.round(prepared.training().seconds(), 1));
    context.put(
        "training_loss_per_epoch",
        prepared.training() == null ? null : prepared.training().lossPerEpoch());
    context.put("text_embeddings_cached", prepared.embedHits());
    context.put("text_embeddings_computed", prepared.embedMisses());
    context.put("persistence", persistence);
    context.put("requests_retried_after_503", client.overloadRetries());
    Map<String, Object> summary = DemoReport.summary(prepared.dataset().name(), k, result, context);
    List<Path> files = DemoReport.write(reportDir, summary, result, k);
    boolean ok =
        result.eventsAcknowledged() == result.eventsReplayed()
            && result.slatesRequested() == result.eventsReplayed()
            && result.duplicateItemSlates() == 0
            && result.missedPushes() == 0;
    return new Outcome(summary, DemoReport.human(summary, k), files, ok);
  }
}
