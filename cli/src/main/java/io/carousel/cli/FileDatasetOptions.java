package io.carousel.cli;

import io.carousel.offline.data.FileSource;
import picocli.CommandLine.Option;

/**
 * Options of {@code --dataset file:<path>} (a shop's own log), shared by every command that takes
 * {@code --dataset}; {@link #fold} turns them into the single dataset name the engine reads (see
 * {@link FileSource}).
 */
public final class FileDatasetOptions {
  @Option(
      names = "--format",
      description = "file: datasets: csv, tsv or ndjson (default: from the extension, else csv).")
  String format;

  @Option(
      names = "--columns",
      description =
          "file: datasets: logical=column pairs, e.g. user=visitor,item=sku,type=event,time=ts"
              + ",category=cat; a column is a header name or a 1-based position (user=1)"
              + " (default: the columns user, item, type, time, category).")
  String columns;

  @Option(
      names = "--no-header",
      description =
          "file: datasets: the csv/tsv log has no header row; give every column by position,"
              + " e.g. --columns user=1,item=2,time=3.")
  boolean noHeader;

  @Option(
      names = "--types",
      description =
          "file: datasets: file value=event type pairs, e.g. pv=view,fav=0.6,remove=ignore"
              + " (view, click, add_to_cart, purchase, a reward weight in [0, 1] (a target with"
              + " that probability; 0 = context only), or ignore to skip the rows; default: the"
              + " values themselves).")
  String types;

  @Option(
      names = "--items",
      description = "file: datasets: item file with id, title, description, category columns.")
  String items;

  @Option(
      names = "--max-bad-rows",
      description = "file: datasets: largest share of bad rows before exit code 2 (default: 0.01).")
  Double maxBadRows;

  /**
   * Returns {@code dataset} with these options folded in when it is a {@code file:} name, else
   * {@code dataset} unchanged.
   *
   * @throws IllegalArgumentException if a file option is given for a named dataset or is malformed
   */
  public String fold(String dataset) {
    boolean any =
        format != null
            || columns != null
            || types != null
            || items != null
            || maxBadRows != null
            || noHeader;
    if (!FileSource.isFile(dataset)) {
      if (any) {
        throw new IllegalArgumentException(
            "--format, --columns, --no-header, --types, --items and --max-bad-rows need --dataset"
                + " file:<path>");
      }
      return dataset;
    }
    return FileSource.name(dataset, format, columns, types, items, maxBadRows, noHeader);
  }
}
