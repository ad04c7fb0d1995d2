/**
 * Offline next-item evaluation: the leave-one-out split ({@link
 * io.carousel.offline.eval.LeaveOneOut}), the classical baselines run in the same process
 * (popularity, item-kNN, EASE^R, first-order Markov, BPR-MF, random), the two-tower model with its
 * wide co-visitation term ({@link io.carousel.offline.eval.CarouselRecommender}; weights chosen on
 * validation by {@link io.carousel.offline.eval.WideGrid}), the metrics ({@link
 * io.carousel.offline.eval.Evaluator}) and the whole run ({@link
 * io.carousel.offline.eval.Evaluation}).
 */
package io.carousel.offline.eval;
