package io.carousel.engine.tower;

import io.carousel.engine.model.ModelException;
import io.carousel.engine.model.ModelFileException;
import io.carousel.engine.model.ModelFolder;
import io.carousel.engine.retrieval.CatalogueExtension;
import io.carousel.engine.retrieval.ExactTopK;
import io.carousel.engine.retrieval.IvfTopK;
import io.carousel.engine.retrieval.TopN;
import io.carousel.engine.wide.CoVisitation;
import io.carousel.engine.wide.ColdTransfer;
import io.carousel.engine.wide.WideAndDeep;
import io.carousel.engine.wide.WideWeights;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A loaded two-tower SavedModel: turns histories into session vectors and item scores. The only
 * class that converts between Java arrays and the model's tensors at serving time.
 *
 * <p>Thread-safe: every call runs its own {@code Session.run}, which TensorFlow allows
 * concurrently, and the cached item matrix is never handed out. Close it to free the native
 * session; calls after {@link #close()} fail with {@link ModelException}.
 */
public final class TwoTowerScorer implements AutoCloseable {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(TwoTowerScorer.class);
  private final Path dir;
  private final SavedModelBundle bundle;

  /** Native sessions loaded and not yet closed, process-wide (a hot swap must not leak one). */
  private static final java.util.concurrent.atomic.AtomicInteger OPEN =
      new java.util.concurrent.atomic.AtomicInteger();

  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final SessionFunction score;
  private final SessionFunction sessionVector;
  private final SessionFunction fromText;
  private final ModelFolder.Sizes metadata;
  private final float logitScale;
  private final WideAndDeep ranking;
  private final int numItems;

  private TwoTowerScorer(
      Path dir,
      SavedModelBundle bundle,
      ModelFolder.Sizes metadata,
      CoVisitation coVisitation,
      WideWeights weights) {
    this.dir = dir;
    this.bundle = bundle;
    this.metadata = metadata;
    this.score = bundle.function(TowerSignatures.SCORE);
    this.sessionVector = bundle.function(TowerSignatures.SESSION_VECTOR);
    this.fromText =
        bundle.signatures().stream()
                .anyMatch(sig -> sig.key().equals(TowerSignatures.ITEM_VECTOR_FROM_TEXT))
            ? bundle.function(TowerSignatures.ITEM_VECTOR_FROM_TEXT)
            : null;
    // The trained rows live on only in the ranking's column-blocked matrix (held once).
    float[][] itemVectors;
    try (Result r = bundle.function(TowerSignatures.ITEM_VECTORS).call(Map.of())) {
      itemVectors = StdArrays.array2dCopyOf(output(r, TowerSignatures.ITEM_VECTORS_OUTPUT));
    }
    if (itemVectors.length != metadata.numItems() || itemVectors[0].length != metadata.dim()) {
      throw new ModelException(
          "item matrix of "
              + dir
              + " is "
              + itemVectors.length
              + "x"
              + itemVectors[0].length
              + " but "
              + ModelFolder.SIZES
              + " says "
              + metadata.numItems()
              + "x"
              + metadata.dim());
    }
    this.logitScale = measureLogitScale(itemVectors);
    // load() has checked that the co-visitation lists cover the model's items.
    this.ranking = new WideAndDeep(itemVectors, logitScale, coVisitation, weights);
    this.numItems = itemVectors.length;
    if (coVisitation != null) {
      LOG.info(
          "model {}: {} items without co-visitation get a wide term from their {} nearest warm"
              + " items ({} reverse entries)",
          dir,
          ranking.coldTransfer().coldItems(),
          ColdTransfer.DEFAULT_NEIGHBOURS,
          ranking.coldTransfer().entries());
    }
  }

  /** The same loaded model retrieving over {@code all} items (trained first). */
  private TwoTowerScorer(TwoTowerScorer base, float[][] all) {
    this.dir = base.dir;
    this.bundle = base.bundle;
    this.score = base.score;
    this.sessionVector = base.sessionVector;
    this.fromText = base.fromText;
    this.metadata = base.metadata;
    this.logitScale = base.logitScale;
    this.ranking =
        new WideAndDeep(
            all,
            logitScale,
            base.ranking.coVisitation(),
            base.ranking.weights(),
            ColdTransfer.DEFAULT_NEIGHBOURS);
    this.numItems = all.length;
  }

  /**
   * Returns this model retrieving over its trained items followed by {@code extra} (a synthetic
   * catalogue extension, {@link CatalogueExtension}): item {@code trainedItems() + j} is {@code
   * extra[j]}. The extra items are retrieval candidates scored by the tower logit, with no wide
   * term (they have no co-visitation lists); in a history they are accepted but not read by the
   * session tower or the wide term (they have no trained id). The returned scorer takes over the
   * native session: close it, not this one.
   *
   * @param extra {@code float[E][dim]} L2-normalised vectors, held without copying (the caller must
   *     not change them)
   */
  public TwoTowerScorer withExtraItems(float[][] extra) {
    for (float[] v : extra) {
      if (v.length != dim()) {
        throw new IllegalArgumentException("extra item of width " + v.length + " != " + dim());
      }
    }
    // Rows for the new matrix's build only: the trained ones gathered from this model's matrix.
    int trained = trainedItems();
    float[][] all = new float[trained + extra.length][];
    for (int i = 0; i < trained; i++) {
      all[i] = ranking.rows().row(i);
    }
    System.arraycopy(extra, 0, all, trained, extra.length);
    return new TwoTowerScorer(this, all);
  }

  /**
   * Returns this model retrieving through an inverted-file index over its items ({@link IvfTopK},
   * {@code lists} lists, 0 for {@link IvfTopK#defaultLists}, {@code probe} scanned per query)
   * instead of the exact scan: approximate, so its recall@k on this model's vectors is measured
   * first ({@code carousel bench retrieval}). The matrix is still held once (moved into the index);
   * the returned scorer takes over the native session: close it, not this one.
   */
  public TwoTowerScorer withIvf(int lists, int probe, long seed) {
    float[][] rows = new float[numItems][];
    for (int i = 0; i < numItems; i++) {
      rows[i] = ranking.rows().row(i);
    }
    IvfTopK ivf =
        IvfTopK.build(rows, lists > 0 ? lists : IvfTopK.defaultLists(numItems), probe, seed);
    LOG.info("model {}: retrieval through {} over {} items", dir, ivf.describe(), numItems);
    return new TwoTowerScorer(this, ranking.withRetrieval(ivf));
  }

  /** The same loaded model with another ranking over the same items. */
  private TwoTowerScorer(TwoTowerScorer base, WideAndDeep ranking) {
    this.dir = base.dir;
    this.bundle = base.bundle;
    this.score = base.score;
    this.sessionVector = base.sessionVector;
    this.fromText = base.fromText;
    this.metadata = base.metadata;
    this.logitScale = base.logitScale;
    this.ranking = ranking;
    this.numItems = base.numItems;
  }

  /**
   * Recovers {@code exp(logScale)} from one scored row: logits = scale · (session · item), so the
   * ratio at the item with the largest |cosine| is the scale to float precision.
   */
  private float measureLogitScale(float[][] itemVectors) {
    int[][] empty = {new int[0]};
    float[] session = sessionVectors(empty)[0];
    float[] logits = score(empty)[0];
    int best = 0;
    double bestAbs = -1;
    double bestDot = 0;
    for (int i = 0; i < itemVectors.length; i++) {
      double d = 0;
      for (int j = 0; j < session.length; j++) {
        d += (double) session[j] * itemVectors[i][j];
      }
      if (Math.abs(d) > bestAbs) {
        bestAbs = Math.abs(d);
        bestDot = d;
        best = i;
      }
    }
    double scale = bestAbs > 1e-6 ? logits[best] / bestDot : 1.0;
    if (!(scale > 0) || Double.isInfinite(scale)) {
      throw new ModelException("cannot recover a positive logit scale from " + dir + ": " + scale);
    }
    return (float) scale;
  }

  /**
   * Loads the model that {@code io.carousel.offline.train.TwoTowerTrainer} exported to {@code
   * savedModelDir}.
   *
   * <p>Loads the wide part too: {@value ModelFolder#CO_VISITATION} and {@value
   * ModelFolder#WIDE_WEIGHTS} must both be there, or both be absent (a model trained before the
   * wide term, which scores with the towers only and says so in the log); one without the other, or
   * a directory in the place of either, is an error.
   *
   * @throws ModelFileException (unchecked) naming the file and the folder when the SavedModel's
   *     {@code saved_model.pb} or {@value ModelFolder#SIZES} is missing or unreadable, or a wide
   *     file is missing, corrupt, invalid or does not fit the model; the user fixes it by deleting
   *     the folder
   * @throws ModelException (unchecked) naming the path if TensorFlow cannot load the SavedModel or
   *     it lacks a signature
   */
  public static TwoTowerScorer load(Path savedModelDir) {
    Path abs = savedModelDir.toAbsolutePath();
    ModelFolder folder = ModelFolder.at(abs);
    folder.checkSavedModel();
    ModelFolder.Sizes metadata = folder.sizes();
    ModelFolder.Wide wide = folder.wide(metadata.numItems());
    CoVisitation coVisitation = wide == null ? null : wide.coVisitation();
    WideWeights weights = wide == null ? WideWeights.NONE : wide.weights();
    SavedModelBundle bundle;
    try {
      bundle =
          SavedModelBundle.loader(abs.toString())
              .withTags(SavedModelBundle.DEFAULT_TAG)
              .withConfigProto(DevicePlacement.sessionConfig())
              .load();
    } catch (RuntimeException e) {
      throw new ModelException("cannot load the SavedModel at " + abs + ": " + e.getMessage(), e);
    }
    OPEN.incrementAndGet();
    try {
      TwoTowerScorer scorer = new TwoTowerScorer(abs, bundle, metadata, coVisitation, weights);
      if (coVisitation != null) {
        LOG.info(
            "model {}: wide-and-deep scoring, {} ({}), {} co-visitation neighbours",
            abs,
            weights.describe(),
            weights.chosenBy(),
            coVisitation.storedNeighbours());
      } else {
        // Debug: evaluation loads tower-only folders ~50 times a run; serving logs it
        // (LoadedModel).
        LOG.debug(
            "model {}: no {}; scoring with the two towers only", abs, ModelFolder.CO_VISITATION);
      }
      return scorer;
    } catch (RuntimeException e) {
      bundle.close();
      OPEN.decrementAndGet();
      throw e instanceof ModelException
          ? e
          : new ModelException("SavedModel at " + abs + " is not a two-tower model: " + e, e);
    }
  }

  /**
   * Returns the number of items retrieval ranks: the trained ones plus any {@link #withExtraItems}
   * extension.
   */
  public int numItems() {
    return numItems;
  }

  /**
   * Returns the number of items the model was trained on, the width of every {@link #score} row.
   */
  public int trainedItems() {
    return metadata.numItems();
  }

  /** Returns the vector width. */
  public int dim() {
    return metadata.dim();
  }

  /** Returns N: histories longer than this are truncated to their last N items. */
  public int historyLength() {
    return metadata.historyLength();
  }

  /** Returns a copy of the L2-normalised trained item matrix {@code float[trainedItems][dim]}. */
  public float[][] itemVectors() {
    float[][] copy = new float[trainedItems()][];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = ranking.rows().row(i);
    }
    return copy;
  }

  /**
   * Returns the scores {@code float[B][trainedItems]} (logits: cosine times the learned inverse
   * temperature) of every item after each history.
   *
   * @param histories {@code B} histories of item indices, most recent last, any length (the last N
   *     are used); an empty history scores from the session tower's bias alone
   * @throws IllegalArgumentException if an index is outside {@code [0, numItems)}
   * @throws ModelException if TensorFlow fails or the scorer is closed
   */
  public float[][] score(int[][] histories) {
    return run(score, TowerSignatures.SCORES_OUTPUT, histories);
  }

  /**
   * Returns each history's {@code k[b]} best items and their scores without a {@code B × numItems}
   * matrix: session vectors from TensorFlow, then exact chunked top-k over the item matrix ({@link
   * ExactTopK}), scores scaled to logits. When the model folder holds {@value
   * ModelFolder#CO_VISITATION} and {@value ModelFolder#WIDE_WEIGHTS}, the scores are the
   * wide-and-deep sum of {@link WideAndDeep} (tower logit plus the weighted co-visitation terms of
   * the whole history), found exactly by rescoring the tower top-k together with every item that
   * has a wide term. Tower only, it agrees with {@link TopN#select} over {@link #score} up to float
   * rounding (about 1e-6).
   *
   * @param histories {@code B} histories, as for {@link #score}
   * @param k {@code int[B]} items wanted per history, each at least 0
   * @param exclude {@code B} predicates of items never to return (array or entries may be null)
   * @throws IllegalArgumentException if an index is outside {@code [0, numItems)} or shapes differ
   * @throws ModelException if TensorFlow fails or the scorer is closed
   */
  public TopN[] topN(int[][] histories, int[] k, java.util.function.IntPredicate[] exclude) {
    if (histories.length == 0) {
      return new TopN[0];
    }
    return ranking.topN(sessionVectors(histories), histories, k, exclude);
  }

  /** Returns the ranking function {@link #topN} uses: towers, co-visitation (or none), weights. */
  public WideAndDeep ranking() {
    return ranking;
  }

  /** Returns the positive factor that turns a cosine into a logit, {@code exp(logScale)}. */
  public float logitScale() {
    return logitScale;
  }

  /**
   * Returns the L2-normalised session vectors {@code float[B][dim]}; an empty history gives {@code
   * normalize(bias)} of the session tower's dense layer.
   *
   * @throws IllegalArgumentException if an index is outside {@code [0, numItems)}
   * @throws ModelException if TensorFlow fails or the scorer is closed
   */
  public float[][] sessionVectors(int[][] histories) {
    return run(sessionVector, TowerSignatures.SESSION_VECTOR_OUTPUT, histories);
  }

  /**
   * Returns whether the model has the {@code item_vector_from_text} signature (trained with text).
   */
  public boolean hasTextTower() {
    return fromText != null;
  }

  /**
   * Returns item vectors from text alone, {@code normalize(text · W_text)} {@code float[B][dim]}:
   * the item tower without its id embedding, for items the model never saw (cold start).
   *
   * @param textVectors {@code float[B][textDim]} frozen text vectors (MiniLM: textDim 384)
   * @throws ModelException if the model has no text tower, TensorFlow fails or the scorer is closed
   */
  public float[][] itemVectorsFromText(float[][] textVectors) {
    if (fromText == null) {
      throw new ModelException("model at " + dir + " was trained without text; no text tower");
    }
    if (textVectors.length == 0) {
      return new float[0][];
    }
    try (TFloat32 input = TFloat32.tensorOf(StdArrays.ndCopyOf(textVectors));
        Result r = fromText.call(Map.of(TowerSignatures.TEXT_INPUT, input))) {
      return StdArrays.array2dCopyOf(output(r, TowerSignatures.ITEM_VECTOR_OUTPUT));
    } catch (IllegalStateException
        | IllegalArgumentException
        | org.tensorflow.exceptions.TensorFlowException e) {
      throw new ModelException("item_vector_from_text of " + dir + " failed: " + e.getMessage(), e);
    }
  }

  private float[][] run(SessionFunction function, String outputName, int[][] histories) {
    int b = histories.length;
    if (b == 0) {
      return new float[0][];
    }
    int n = historyLength();
    int[] flat = new int[b * n];
    int trained = trainedItems();
    for (int i = 0; i < b; i++) {
      boolean extended = false;
      for (int item : histories[i]) {
        if (item < 0 || item >= numItems()) {
          throw new IllegalArgumentException(
              "item index " + item + " outside [0, " + numItems() + ") in history " + i);
        }
        extended |= item >= trained;
      }
      // An extension item has no trained id: the session tower reads the trained ones only.
      int[] h =
          extended
              ? Arrays.stream(histories[i]).filter(item -> item < trained).toArray()
              : histories[i];
      TowerSignatures.padInto(h, n, flat, i * n);
    }
    try (TInt32 input = TInt32.tensorOf(Shape.of(b, n), DataBuffers.of(flat, true, false));
        Result r = function.call(Map.of(TowerSignatures.HISTORY_INPUT, input))) {
      return StdArrays.array2dCopyOf(output(r, outputName));
    } catch (IllegalStateException | org.tensorflow.exceptions.TensorFlowException e) {
      throw new ModelException(
          "running signature "
              + function.signature().key()
              + " of "
              + dir
              + " on "
              + b
              + " histories failed: "
              + e.getMessage(),
          e);
    }
  }

  private TFloat32 output(Result r, String name) {
    Tensor t =
        r.get(name).orElseThrow(() -> new ModelException("output " + name + " missing in " + dir));
    return (TFloat32) t;
  }

  /** Frees the native session and graph; later calls do nothing. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      bundle.close();
      OPEN.decrementAndGet();
    }
  }

  /** Returns whether {@link #close} was called. */
  public boolean isClosed() {
    return closed.get();
  }

  /** Returns how many native sessions this process has loaded and not closed. */
  public static int openSessions() {
    return OPEN.get();
  }
}
