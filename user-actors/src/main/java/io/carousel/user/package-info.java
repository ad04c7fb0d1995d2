/**
 * The shopper side of Carousel: {@link io.carousel.user.UserProfile}, one sharded, event-sourced
 * actor per shopper holding the session embedding, its own bandit statistics, the pending
 * impressions and the counters that the profile summary shows; and what the user actors of one node
 * share: the model view, the bandit form and pooled prior ({@link io.carousel.user.BanditModel},
 * {@link io.carousel.user.NodePool}) and the trend popularities ({@link
 * io.carousel.user.NodeTrends}).
 *
 * <p>Request path: {@code http-api → user-actors → engine → policy}.
 */
package io.carousel.user;
