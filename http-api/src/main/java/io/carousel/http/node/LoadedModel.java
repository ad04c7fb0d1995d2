package io.carousel.http.node;

import io.carousel.engine.Catalog;
import io.carousel.engine.Item;
import io.carousel.engine.model.ModelFileException;
import io.carousel.engine.model.ModelFolder;
import io.carousel.engine.retrieval.CatalogueExtension;
import io.carousel.engine.retrieval.IndexChoice;
import io.carousel.engine.tower.TwoTowerScorer;
import io.carousel.policy.ContextFeatures;
import io.carousel.user.ModelView;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A SavedModel loaded for serving, with the catalogue it was trained on.
 *
 * @param scorer the loaded TensorFlow model; closed with this record
 * @param view what user actors read: catalogue, item vectors, popularity, context builder
 */
public record LoadedModel(TwoTowerScorer scorer, ModelView view) implements AutoCloseable {
  /** Seed of the fixed random projection in the bandit context (constant: part of the policy). */
  public static final long FEATURE_SEED = 7L;

  /** Seed of the synthetic catalogue extension (fixed: every node draws the same items). */
  public static final long EXTENSION_SEED = 15L;

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
    return load(modelDir, catalog, itemCounts, 0);
  }

  /**
   * As {@link #load(Path, Catalog, long[])}, serving a catalogue of {@code catalogueItems} items:
   * when the trained catalogue is smaller, it is extended by synthetic items ({@code synthetic-0},
   * {@code synthetic-1}, ...) drawn from the trained item vectors ({@link CatalogueExtension}, seed
   * {@value #EXTENSION_SEED}), each in its parent's category, with no training interactions
   * (popularity 0) and no wide term; they are retrieval candidates and obey the business rules like
   * trained items. 0 or a size at most the trained one serves the trained catalogue unchanged.
   */
  public static LoadedModel load(
      Path modelDir, Catalog catalog, long[] itemCounts, int catalogueItems) {
    return load(modelDir, catalog, itemCounts, catalogueItems, IndexChoice.EXACT);
  }

  /**
   * As {@link #load(Path, Catalog, long[], int)}, retrieving through {@code index} ({@code
   * carousel.scoring.retrieval}), built over the whole served catalogue once it is extended.
   */
  public static LoadedModel load(
      Path modelDir, Catalog catalog, long[] itemCounts, int catalogueItems, IndexChoice index) {
    TwoTowerScorer scorer = TwoTowerScorer.load(modelDir);
    if (scorer.numItems() != catalog.size()) {
      scorer.close();
      throw new ModelFileException(
          modelDir.toAbsolutePath(),
          modelDir.toAbsolutePath().resolve(ModelFolder.META)
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
          ModelFolder.CO_VISITATION);
    } else {
      LOG.info(
          "model {}: towers + wide co-visitation terms, {}",
          modelDir,
          scorer.ranking().weights().describe());
    }
    if (catalogueItems > catalog.size()) {
      float[][] vectors = scorer.itemVectors();
      int extra = catalogueItems - catalog.size();
      CatalogueExtension.Drawn drawn =
          CatalogueExtension.draw(
              vectors, extra, CatalogueExtension.DEFAULT_BANDWIDTH, EXTENSION_SEED);
      List<Item> items = new ArrayList<>(catalog.items());
      for (int e = 0; e < extra; e++) {
        items.add(new Item("synthetic-" + e, "", catalog.get(drawn.parents()[e]).category()));
      }
      catalog = new Catalog(items);
      itemCounts = Arrays.copyOf(itemCounts, catalogueItems);
      scorer = scorer.withExtraItems(drawn.vectors());
      LOG.info(
          "catalogue extended from {} trained to {} items with synthetic items drawn from the"
              + " trained item vectors (KDE, bandwidth {} of each dimension's std)",
          scorer.trainedItems(),
          catalogueItems,
          CatalogueExtension.DEFAULT_BANDWIDTH);
    }
    scorer = index.apply(scorer);
    ModelView view =
        new ModelView(
            modelDir.getFileName().toString(),
            catalog,
            // The scorer's column-blocked matrix: the only full copy of the item vectors.
            scorer.ranking().rows(),
            ModelView.popularityFromCounts(itemCounts),
            new ContextFeatures(scorer.dim(), FEATURE_SEED));
    return new LoadedModel(scorer, view);
  }

  @Override
  public void close() {
    scorer.close();
  }
}
