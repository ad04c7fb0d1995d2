/**
 * The shopper side of Carousel: {@link io.carousel.user.UserProfile}, one sharded, event-sourced
 * actor per shopper holding the session embedding, the bandit posterior, the pending impressions
 * and the counters that the profile summary shows.
 *
 * <p>Request path: {@code http-api → user-actors → engine → policy}.
 */
package io.carousel.user;
