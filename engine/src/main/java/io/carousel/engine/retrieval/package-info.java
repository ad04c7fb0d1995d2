/**
 * Retrieval over the item matrix: {@link io.carousel.engine.retrieval.TopN} is the best items of a
 * score row (selected with the one top-k heap, {@code io.carousel.policy.TopK.Heap}), {@link
 * io.carousel.engine.retrieval.ExactTopK} the exact top k of a batch without a {@code B × N}
 * matrix, {@link io.carousel.engine.retrieval.HnswIndex} the approximate (Lucene HNSW) option, and
 * {@link io.carousel.engine.retrieval.CatalogueExtension} the synthetic items that grow a trained
 * catalogue for the serving benchmark.
 */
package io.carousel.engine.retrieval;
