package io.carousel.http;

import io.carousel.engine.Catalog;
import io.carousel.engine.model.CoVisitation;
import io.carousel.engine.model.ModelFileException;
import io.carousel.engine.model.ModelMeta;
import io.carousel.engine.model.TwoTowerScorer;
import io.carousel.policy.ContextFeatures;
import io.carousel.user.ModelView;
import java.nio.file.Path;

/**
 * A SavedModel loaded for serving, with the catalogue it was trained on.
 *
 * @param scorer the loaded TensorFlow model; closed with this record
 * @param view what user actors read: catalogue, item vectors, popularity, context builder
 */
public record LoadedModel(TwoTowerScorer scorer, ModelView view) implements AutoCloseable {
  /** Seed of the fixed random projection in the bandit context (constant: part of the policy). */
  public static final long FEATURE_SEED = 7L;

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LoadedModel.class);

  /**
   * Loads the SavedModel in {@code modelDir} for {@code catalog}.
   *
   * @param itemCounts {@code long[numItems]} training interactions per item (popularity prior)
   * @throws io.carousel.engine.model.ModelException when the model cannot be loaded; a {@link
   *     ModelFileException} (naming the folder) when one of its files is missing or invalid, or the
   *     model's item count differs from the catalogue's
   */
  public static LoadedModel load(Path modelDir, Catalog catalog, long[] itemCounts) {
    TwoTowerScorer scorer = TwoTowerScorer.load(modelDir);
    if (scorer.numItems() != catalog.size()) {
      scorer.close();
      throw new ModelFileException(
          modelDir.toAbsolutePath(),
          modelDir.toAbsolutePath().resolve(ModelMeta.FILE)
              + " lists "
              + catalog.size()
              + " items, the model at "
              + modelDir.toAbsolutePath()
              + " has "
              + scorer.numItems(),
          null);
    }
    if (scorer.ranking().coVisitation() == null) {
      LOG.info(
          "model {} has no {}: scoring with the two towers only (a model trained before the wide"
              + " term)",
          modelDir,
          CoVisitation.FILE_NAME);
    } else {
      LOG.info(
          "model {}: towers + wide co-visitation terms, {}",
          modelDir,
          scorer.ranking().weights().describe());
    }
    float[][] vectors = scorer.itemVectors();
    ModelView view =
        new ModelView(
            modelDir.getFileName().toString(),
            catalog,
            vectors,
            ModelView.popularityFromCounts(itemCounts),
            new ContextFeatures(scorer.dim(), FEATURE_SEED));
    return new LoadedModel(scorer, view);
  }

  @Override
  public void close() {
    scorer.close();
  }
}
