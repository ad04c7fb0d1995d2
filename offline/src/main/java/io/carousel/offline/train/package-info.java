/**
 * Offline training: {@link io.carousel.offline.train.TrainingData} (dataset → time split → text
 * embeddings, cached) feeds {@link io.carousel.offline.train.TrainingPipeline} (TensorFlow training
 * → a model folder written through {@code io.carousel.engine.model.ModelFolder}, reused when
 * nothing changed). The two-tower graph lives here too: {@link
 * io.carousel.offline.train.TwoTowerGraph} and {@link io.carousel.offline.train.AttentionTower} are
 * the forward pass shared by the training graph ({@link io.carousel.offline.train.TrainingGraph})
 * and the exported inference graph ({@link io.carousel.offline.train.ServingGraph}), which {@code
 * io.carousel.engine.tower.TwoTowerScorer} loads without any of these classes.
 */
package io.carousel.offline.train;
