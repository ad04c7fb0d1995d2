/**
 * The two-tower next-item model in TensorFlow Java graph mode: {@link
 * io.carousel.engine.model.TwoTowerTrainer} trains it and exports a SavedModel, {@link
 * io.carousel.engine.model.TwoTowerScorer} loads and serves it, {@link
 * io.carousel.engine.model.TopN} picks the best items from a score row.
 */
package io.carousel.engine.model;
