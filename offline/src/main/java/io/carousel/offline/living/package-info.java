/**
 * Continuous training, offline half (ADR 0012): interactions read from the journal by tag and the
 * live catalogue ({@link io.carousel.offline.living.LiveLog}), a retrain of the dataset plus the
 * journal ({@link io.carousel.offline.living.ContinuousTraining}), the validation gate ({@link
 * io.carousel.offline.living.ValidationGate}) and the versioned model folders with their decision
 * log ({@link io.carousel.offline.living.ModelRegistry}).
 */
package io.carousel.offline.living;
