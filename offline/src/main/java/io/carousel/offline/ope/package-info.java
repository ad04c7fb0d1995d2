/**
 * Off-policy evaluation of Carousel's bandit policies on the Open Bandit Dataset: the context map
 * x(user, item) for OBD ({@link io.carousel.offline.ope.ObdFeatures}) and the learn-on-the-first-
 * half, estimate-on-the-second-half protocol ({@link io.carousel.offline.ope.OpenBanditOpe}) behind
 * {@code carousel ope}.
 */
package io.carousel.offline.ope;
