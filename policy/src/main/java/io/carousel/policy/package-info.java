/**
 * Decision layer of Carousel, plain Java with no dependencies: per-user linear contextual bandit
 * posteriors ({@link io.carousel.policy.LinearPosterior}), optionally centred on a prior pooled
 * over all users ({@link io.carousel.policy.PooledPrior}), slate policies that log propensities for
 * off-policy evaluation ({@link io.carousel.policy.SlatePolicy}: ε-greedy, linear Thompson
 * sampling, LinUCB; {@link io.carousel.policy.ArmSlatePolicy}: non-personalised Bernoulli Thompson
 * sampling over {@link io.carousel.policy.BetaArms}), the compact persisted posterior ({@link
 * io.carousel.policy.PackedPosterior}), the bandit context builder ({@link
 * io.carousel.policy.ContextFeatures}) with its optional online trend popularity ({@link
 * io.carousel.policy.TrendPopularity}), the time-decayed session embedding ({@link
 * io.carousel.policy.SessionEmbedding}), event-to-reward mapping ({@link
 * io.carousel.policy.RewardWeights}) and ranking metrics ({@link
 * io.carousel.policy.RankingMetrics}).
 *
 * <p>Everything here is a pure function or an immutable value, so actors can hold it as state and
 * tests can seed every random draw; the exceptions are the scratch arrays of {@link
 * io.carousel.policy.LinUcbSlatePolicy} and {@link io.carousel.policy.BernoulliThompsonSlatePolicy}
 * instances (one instance per actor or thread) and the mutable counts of {@link
 * io.carousel.policy.TrendPopularity}. Off-policy estimators live in {@link
 * io.carousel.policy.ope}.
 */
package io.carousel.policy;
