package io.carousel.offline.data;

import io.carousel.engine.Catalog;
import java.util.List;
import java.util.Set;

/**
 * A real interaction log with its catalogue.
 *
 * @param name the dataset's name as given on the command line (e.g. {@code amazon2018-small})
 * @param catalog every item that occurs in {@code interactions} or is {@code listed}, with its text
 * @param interactions deduplicated interactions sorted by time (ties by user id, then item id)
 * @param listed ids of the items from the shop's own catalogue file ({@code --items}), events or
 *     not; empty for the named datasets, whose item files are metadata of the logged items only.
 *     Offline evaluation treats a listed item as known before any event (a candidate at every
 *     stage); an unlisted item is known only once it occurs in a model's fit data.
 */
public record Dataset(
    String name, Catalog catalog, List<Interaction> interactions, Set<String> listed) {

  /** Copies {@code listed}. */
  public Dataset {
    listed = Set.copyOf(listed);
  }

  /** A dataset without a catalogue file: items are known only from the events. */
  public Dataset(String name, Catalog catalog, List<Interaction> interactions) {
    this(name, catalog, interactions, Set.of());
  }
}
