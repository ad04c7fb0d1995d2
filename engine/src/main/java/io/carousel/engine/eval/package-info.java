/**
 * Offline next-item evaluation: the leave-one-out split ({@link
 * io.carousel.engine.eval.LeaveOneOut}), the classical baselines run in the same process
 * (popularity, item-kNN, EASE^R, first-order Markov, BPR-MF, random), the two-tower model with its
 * wide co-visitation term ({@link io.carousel.engine.eval.CarouselRecommender}; weights chosen on
 * validation by {@link io.carousel.engine.eval.WideGrid}), the metrics ({@link
 * io.carousel.engine.eval.Evaluator}) and the whole run ({@link
 * io.carousel.engine.eval.Evaluation}).
 */
package io.carousel.engine.eval;
