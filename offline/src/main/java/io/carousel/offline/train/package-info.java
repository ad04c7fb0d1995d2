/**
 * Offline pipelines: dataset → text embeddings (cached) → time split → TensorFlow training →
 * SavedModel on disk, reused when nothing changed.
 */
package io.carousel.offline.train;
