/** Output of {@code carousel evaluate}: the JSON report, the metric bar chart and loss curves. */
package io.carousel.offline.report;
