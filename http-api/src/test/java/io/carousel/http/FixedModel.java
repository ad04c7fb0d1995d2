package io.carousel.http;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.pattern.StatusReply;
import io.carousel.engine.Catalog;
import io.carousel.engine.Item;
import io.carousel.engine.ScoringModel;
import io.carousel.policy.ContextFeatures;
import io.carousel.user.ModelView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A fixed stand-in for the TensorFlow model in integration tests: {@code ITEMS} items {@code
 * item-0..}, 4-dimensional one-hot vectors, and a scoring actor that ranks item i at score −i.
 */
final class FixedModel {
  static final int ITEMS = 40;

  private FixedModel() {}

  /** Returns the catalogue, item vectors and context features user actors read. */
  static ModelView view() {
    return view(4);
  }

  /** Returns {@link #view()} with one-hot item vectors of width {@code dim}. */
  static ModelView view(int dim) {
    List<Item> items = new ArrayList<>();
    float[][] vectors = new float[ITEMS][dim];
    long[] counts = new long[ITEMS];
    for (int i = 0; i < ITEMS; i++) {
      items.add(new Item("item-" + i, "item " + i, "c" + (i % 3)));
      vectors[i][i % dim] = 1f;
      counts[i] = i;
    }
    return new ModelView(
        "fixed",
        new Catalog(items),
        vectors,
        ModelView.popularityFromCounts(counts),
        new ContextFeatures(dim, 7));
  }

  /** Returns a scoring actor answering every request with the lowest non-excluded indices. */
  static Behavior<ScoringModel.Command> scoring() {
    return Behaviors.receive(ScoringModel.Command.class)
        .onMessage(ScoringModel.Score.class, FixedModel::score)
        .build();
  }

  private static Behavior<ScoringModel.Command> score(ScoringModel.Score s) {
    int[] idx = new int[ITEMS];
    int n = 0;
    for (int i = 0; i < ITEMS && n < s.topN(); i++) {
      if (s.exclude() == null || !s.exclude().test(i)) {
        idx[n++] = i;
      }
    }
    float[] scores = new float[n];
    for (int j = 0; j < n; j++) {
      scores[j] = -idx[j];
    }
    s.replyTo().tell(StatusReply.success(new ScoringModel.Scores(Arrays.copyOf(idx, n), scores)));
    return Behaviors.same();
  }
}
