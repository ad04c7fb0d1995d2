package io.carousel.offline.train;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The one way Carousel builds progress bars: on standard error, coloured on a terminal, plain ASCII
 * when standard error is a file or a pipe (no escape codes in logs and CI output).
 */
public final class Progress {
  private Progress() {}

  /**
   * Returns a builder for a bar named {@code task} counting to {@code max}; callers may add to it.
   */
  public static ProgressBarBuilder builder(String task, long max) {
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(max)
        .setStyle(
            System.console() == null
                ? ProgressBarStyle.ASCII
                : ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
        .setConsumer(new ConsoleProgressBarConsumer(System.err));
  }
}
