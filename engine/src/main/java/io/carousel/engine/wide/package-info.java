/**
 * The wide term added to the tower logit ({@link io.carousel.engine.wide.WideAndDeep}, after Cheng
 * et al., DLRS 2016): {@link io.carousel.engine.wide.CoVisitation} holds the sparse co-occurrence
 * cosine and transition lists ({@link io.carousel.engine.wide.CoVisitationFile} their binary
 * layout), {@link io.carousel.engine.wide.WideWeights} their weights, both stored next to the
 * SavedModel by {@code engine.model.ModelFolder}; {@link io.carousel.engine.wide.ColdTransfer}
 * gives items without co-visitation (cold items) the neighbour-averaged wide term of their nearest
 * warm items by item vector, computed at load time.
 */
package io.carousel.engine.wide;
