/**
 * Decision layer of Carousel, plain Java with no dependencies: per-user linear contextual bandit
 * posteriors ({@link io.carousel.policy.LinearPosterior}), slate policies that log propensities for
 * off-policy evaluation ({@link io.carousel.policy.SlatePolicy}, ε-greedy and linear Thompson
 * sampling), the bandit context builder ({@link io.carousel.policy.ContextFeatures}), the
 * time-decayed session embedding ({@link io.carousel.policy.SessionEmbedding}), event-to-reward
 * mapping ({@link io.carousel.policy.RewardWeights}) and ranking metrics ({@link
 * io.carousel.policy.RankingMetrics}).
 *
 * <p>Everything here is a pure function or an immutable value, so actors can hold it as state and
 * tests can seed every random draw.
 */
package io.carousel.policy;
