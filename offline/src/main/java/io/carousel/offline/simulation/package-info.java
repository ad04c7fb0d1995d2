/**
 * Online simulation on real logs (supervised-to-bandit replay; Li et al. 2010, "A Contextual-Bandit
 * Approach to Personalized News Article Recommendation", §4; Dudík et al. 2011, "Doubly Robust
 * Policy Evaluation and Learning", §5): the two-tower model is trained on the earlier part of a
 * dataset, then the later interactions are replayed in time order and every policy serves a slate
 * to the user, is rewarded when the user's next item is in it, and learns before the next step.
 * Plain Java; TensorFlow is called only through {@link io.carousel.engine.tower.TwoTowerScorer}.
 */
package io.carousel.offline.simulation;
