/**
 * Dataset ingestion: locating the research-only data root ({@link
 * io.carousel.offline.data.DataDirs}), reading real interaction logs with their item text into
 * {@link io.carousel.offline.data.Dataset} ({@link io.carousel.offline.data.DatasetReader}: Amazon
 * 2018 reviews, MovieLens 100K, DIGINETICA sample, or a shop's own CSV/TSV/NDJSON log through
 * {@link io.carousel.offline.data.FileSource} and {@link io.carousel.offline.data.FileLogReader},
 * bad rows counted in a {@link io.carousel.offline.data.RowReport}) and splitting them by time into
 * train and replay ({@link io.carousel.offline.data.TimeSplit}). Nothing here is synthetic; nothing
 * is downloaded.
 */
package io.carousel.offline.data;
