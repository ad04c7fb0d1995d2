/**
 * The two-tower next-item model in TensorFlow Java graph mode: {@code
 * io.carousel.offline.train.TwoTowerTrainer} trains it and exports a SavedModel (session tower:
 * softmax-weighted pooling or one SASRec self-attention block, {@link
 * io.carousel.offline.train.SessionTowerType}), {@link io.carousel.engine.tower.TwoTowerScorer}
 * loads and serves it, {@link io.carousel.engine.retrieval.TopN} picks the best items from a score
 * row, {@link io.carousel.engine.retrieval.ExactTopK} retrieves the top k of a batch without a
 * {@code B × N} matrix, {@link io.carousel.engine.retrieval.HnswIndex} is the approximate (Lucene
 * HNSW) option and {@link io.carousel.engine.tower.DevicePlacement} the soft GPU placement. The
 * shipped score adds a wide co-visitation term to the tower logit ({@link
 * io.carousel.engine.wide.WideAndDeep}, after Cheng et al., DLRS 2016): {@link
 * io.carousel.engine.wide.CoVisitation} holds the sparse co-occurrence cosine and transition lists,
 * {@link io.carousel.engine.wide.WideWeights} their weights, both stored next to the SavedModel;
 * {@link io.carousel.engine.wide.ColdTransfer} gives items without co-visitation (cold items) the
 * neighbour-averaged wide term of their nearest warm items by item vector, computed at load time.
 */
package io.carousel.engine.model;
