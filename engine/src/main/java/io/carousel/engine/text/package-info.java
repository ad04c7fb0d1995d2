/**
 * Item text encoders: {@link io.carousel.engine.text.TextEncoder} turns product text into
 * L2-normalised vectors ({@code float[numItems][dim]}); {@link
 * io.carousel.engine.text.MiniLmTextEncoder} is the frozen pretrained all-MiniLM-L6-v2 (384 dims,
 * ONNX in-process, weights in the jar), and {@code io.carousel.offline.train.CachedTextEncoder}
 * persists vectors on disk so only new texts are ever encoded.
 */
package io.carousel.engine.text;
