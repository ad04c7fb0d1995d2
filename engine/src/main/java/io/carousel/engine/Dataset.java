package io.carousel.engine;

import java.util.List;

/**
 * A real interaction log with its catalogue.
 *
 * @param name the dataset's name as given on the command line (e.g. {@code amazon2018-small})
 * @param catalog every item that occurs in {@code interactions}, with its text
 * @param interactions deduplicated interactions sorted by time (ties by user id, then item id)
 */
public record Dataset(String name, Catalog catalog, List<Interaction> interactions) {}
