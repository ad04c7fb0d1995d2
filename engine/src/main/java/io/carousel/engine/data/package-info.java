/**
 * Dataset ingestion: locating the research-only data root ({@link
 * io.carousel.engine.data.DataDirs}), reading real interaction logs with their item text into
 * {@link io.carousel.engine.Dataset} ({@link io.carousel.engine.data.DatasetReader}: Amazon 2018
 * reviews, MovieLens 100K, DIGINETICA sample, or a shop's own CSV/TSV/NDJSON log through {@link
 * io.carousel.engine.data.FileSource} and {@link io.carousel.engine.data.FileLogReader}, bad rows
 * counted in a {@link io.carousel.engine.data.RowReport}) and splitting them by time into train and
 * replay ({@link io.carousel.engine.data.TimeSplit}). Nothing here is synthetic; nothing is
 * downloaded.
 */
package io.carousel.engine.data;
