package io.carousel.user;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.pattern.StatusReply;
import io.carousel.engine.ScoringModel;
import java.util.ArrayList;
import java.util.List;

/**
 * A hand-written stand-in for the TensorFlow scoring actor: item {@code i} scores {@code -i} (so
 * lower indices rank first), excluded items are skipped, and every request is recorded.
 */
final class FakeScoring {
  final List<int[]> histories = new ArrayList<>();

  Behavior<ScoringModel.Command> behavior(int numItems) {
    return Behaviors.receive(ScoringModel.Command.class)
        .onMessage(
            ScoringModel.Score.class,
            s -> {
              synchronized (histories) {
                histories.add(s.history());
              }
              List<Integer> items = new ArrayList<>();
              for (int i = 0; i < numItems && items.size() < s.topN(); i++) {
                if (s.exclude() == null || !s.exclude().test(i)) {
                  items.add(i);
                }
              }
              int[] idx = items.stream().mapToInt(Integer::intValue).toArray();
              float[] scores = new float[idx.length];
              for (int j = 0; j < idx.length; j++) {
                scores[j] = -idx[j];
              }
              s.replyTo().tell(StatusReply.success(new ScoringModel.Scores(idx, scores)));
              if (s.done() != null) {
                s.done().run();
              }
              return Behaviors.same();
            })
        .build();
  }
}
