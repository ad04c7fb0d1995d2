/**
 * Offline next-item evaluation: the leave-one-out split ({@link
 * io.carousel.engine.eval.LeaveOneOut}), the classical baselines run in the same process
 * (popularity, item-kNN, EASE^R, first-order Markov, BPR-MF, random), the two-tower model ({@link
 * io.carousel.engine.eval.CarouselRecommender}), the metrics ({@link
 * io.carousel.engine.eval.Evaluator}) and the whole run ({@link
 * io.carousel.engine.eval.Evaluation}).
 */
package io.carousel.engine.eval;
