package io.carousel.cli;

import io.carousel.offline.data.DatasetReader;
import java.util.Iterator;

/**
 * The named datasets of {@link DatasetReader#knownNames()}, as picocli completion candidates: a
 * {@code --dataset} option with {@code completionCandidates = KnownDatasets.class} lists them in
 * its help through {@code ${COMPLETION-CANDIDATES}}, so every command's help agrees with what the
 * reader accepts.
 */
public final class KnownDatasets implements Iterable<String> {
  /** Returns the known dataset names, default dataset first. */
  @Override
  public Iterator<String> iterator() {
    return DatasetReader.knownNames().iterator();
  }
}
