/**
 * Dataset ingestion: locating the research-only data root ({@link
 * io.carousel.engine.data.DataDirs}), reading real interaction logs with their item text into
 * {@link io.carousel.engine.Dataset} ({@link io.carousel.engine.data.DatasetReader}: Amazon 2018
 * reviews, MovieLens 100K, DIGINETICA sample) and splitting them by time into train and replay
 * ({@link io.carousel.engine.data.TimeSplit}). Nothing here is synthetic; nothing is downloaded.
 */
package io.carousel.engine.data;
