package io.carousel.user;

import akka.actor.typed.ActorRef;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.carousel.engine.Catalog;
import io.carousel.engine.Item;
import io.carousel.engine.ScoringModel;
import io.carousel.policy.ContextFeatures;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small deterministic model for user-actor tests: {@code ITEMS} items {@code item-0..} in
 * categories even/odd, random unit item vectors of {@code DIM} (seed 1), popularity decreasing with
 * the index; with {@link FakeScoring}, item i also scores −i.
 */
final class TestModel {
  static final int ITEMS = 30;
  static final int DIM = 8;
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC);

  private TestModel() {}

  /** Returns the model view (standard 16-d context builder, feature seed 7). */
  static ModelView view() {
    List<Item> items = new ArrayList<>();
    float[][] vectors = new float[ITEMS][DIM];
    Random rnd = new Random(1);
    long[] counts = new long[ITEMS];
    for (int i = 0; i < ITEMS; i++) {
      items.add(new Item("item-" + i, "text " + i, i % 2 == 0 ? "even" : "odd"));
      double norm = 0;
      for (int d = 0; d < DIM; d++) {
        vectors[i][d] = (float) rnd.nextGaussian();
        norm += vectors[i][d] * vectors[i][d];
      }
      for (int d = 0; d < DIM; d++) {
        vectors[i][d] /= (float) Math.sqrt(norm);
      }
      counts[i] = ITEMS - i;
    }
    return new ModelView(
        "test-model",
        new Catalog(items),
        vectors,
        ModelView.popularityFromCounts(counts),
        new ContextFeatures(DIM, 7));
  }

  /** Returns node dependencies with {@code overrides} (HOCON under the root) over the defaults. */
  static ProfileDependencies deps(ActorRef<ScoringModel.Command> scoring, String overrides) {
    Config config = ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load());
    return ProfileDependencies.of(view(), scoring, UserProfileSettings.fromConfig(config), CLOCK);
  }
}
