/**
 * Off-policy evaluation of slate policies from logged bandit feedback: inverse propensity scoring
 * (IPS), self-normalised IPS (SNIPS) and doubly robust (DR) estimators ({@link
 * io.carousel.policy.ope.OffPolicyEstimators}), position-aware in the per-(round, position) form of
 * the Open Bandit Pipeline (Saito et al. 2021, "Open Bandit Dataset and Pipeline", §4), each with a
 * seeded bootstrap confidence interval, plus the simple per-(position, item) reward model that DR
 * needs ({@link io.carousel.policy.ope.PositionItemRewardModel}). Plain Java, pure functions of
 * their inputs.
 */
package io.carousel.policy.ope;
