/**
 * The two towers at serve time: {@link io.carousel.engine.tower.TwoTowerScorer} loads the
 * SavedModel that {@code io.carousel.offline.train.TwoTowerTrainer} exported and turns histories
 * into session vectors, scores and top items (the wide-and-deep sum of {@code engine.wide}); {@link
 * io.carousel.engine.tower.TowerSignatures} is the SavedModel's contract with the exporter
 * (signature names, history padding); {@link io.carousel.engine.tower.DevicePlacement} the soft GPU
 * placement. Only TensorFlow's runtime is used here: no graph is built at serve time.
 */
package io.carousel.engine.tower;
