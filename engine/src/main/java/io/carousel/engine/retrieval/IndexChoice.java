package io.carousel.engine.retrieval;

import com.typesafe.config.Config;
import io.carousel.engine.tower.TwoTowerScorer;

/**
 * The node's candidate-retrieval index ({@code carousel.scoring.retrieval}): {@code exact} scans
 * every item; {@code ivf} scans the {@code probe} lists nearest each session vector ({@link
 * IvfTopK}; {@code lists} 0 = √N).
 *
 * @param index "exact" or "ivf"
 * @param lists IVF lists, 0 for {@link IvfTopK#defaultLists}
 * @param probe IVF lists scanned per query, at least 1
 */
public record IndexChoice(String index, int lists, int probe) {
  /** Exact retrieval, the default. */
  public static final IndexChoice EXACT = new IndexChoice("exact", 0, 1);

  /** Seed of the k-means, so every node of a cluster builds the same lists from the same model. */
  public static final long SEED = 31L;

  /**
   * @throws IllegalArgumentException naming the setting when the index is unknown, lists &lt; 0 or
   *     probe &lt; 1
   */
  public IndexChoice {
    if (!"exact".equals(index) && !"ivf".equals(index)) {
      throw new IllegalArgumentException(
          "carousel.scoring.retrieval.index must be exact or ivf, got \"" + index + "\"");
    }
    if (lists < 0) {
      throw new IllegalArgumentException(
          "carousel.scoring.retrieval.lists must be >= 0 (0 = sqrt(items)), got " + lists);
    }
    if (probe < 1) {
      throw new IllegalArgumentException(
          "carousel.scoring.retrieval.probe must be >= 1, got " + probe);
    }
  }

  /** Reads {@code carousel.scoring.retrieval}. */
  public static IndexChoice fromConfig(Config config) {
    Config c = config.getConfig("carousel.scoring.retrieval");
    return new IndexChoice(c.getString("index"), c.getInt("lists"), c.getInt("probe"));
  }

  /** Returns {@code scorer} retrieving through this index (itself when exact). */
  public TwoTowerScorer apply(TwoTowerScorer scorer) {
    return "ivf".equals(index) ? scorer.withIvf(lists, probe, SEED) : scorer;
  }
}
