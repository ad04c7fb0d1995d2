/** Statistics shared by the offline evaluation and the bandit simulation: paired bootstraps. */
package io.carousel.offline.stats;
