package io.carousel.offline.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Writes a command's report: the pretty-printed JSON it also prints with {@code --json}, and its
 * chart as a PNG, side by side under one stem ({@code simulate-<dataset>.json} and {@code .png},
 * {@code ope-<campaign>.*}).
 */
public final class ReportFiles {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ReportFiles() {}

  /** Returns {@code value} as indented JSON (maps keep their insertion order). */
  public static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes {@code dir/stem.json} (the text and a newline) and {@code dir/stem.png}, creating {@code
   * dir}; returns the two paths in that order.
   *
   * @throws IOException if a file cannot be written
   */
  public static List<Path> write(Path dir, String stem, String json, Chart<?, ?> chart)
      throws IOException {
    Files.createDirectories(dir);
    Path jsonFile = dir.resolve(stem + ".json");
    Files.writeString(jsonFile, json + "\n");
    Path png = dir.resolve(stem + ".png");
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    return List.of(jsonFile, png);
  }
}
