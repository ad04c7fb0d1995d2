package io.carousel.http.limits;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The heap in use right after the last garbage collection, as a fraction of the largest heap
 * ({@code -Xmx}): what survived, so a high value means live data, not garbage waiting. Updated by
 * the JVM's GC notifications (one listener per JVM, installed on first use); reading it is a
 * volatile read. 0 until the first collection.
 */
public final class HeapGauge {
  private static volatile double fraction;
  private static volatile boolean installed;

  private HeapGauge() {}

  /** Returns the fraction of the largest heap in use after the last collection, in [0, 1]. */
  public static double afterLastGc() {
    if (!installed) {
      install();
    }
    return fraction;
  }

  private static synchronized void install() {
    if (installed) {
      return;
    }
    Set<String> heapPools =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP)
            .map(MemoryPoolMXBean::getName)
            .collect(Collectors.toUnmodifiableSet());
    long max = Runtime.getRuntime().maxMemory();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(
            (notification, handback) -> {
              if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                  notification.getType())) {
                return;
              }
              GarbageCollectionNotificationInfo info =
                  GarbageCollectionNotificationInfo.from(
                      (CompositeData) notification.getUserData());
              long used = 0;
              for (Map.Entry<String, MemoryUsage> e :
                  info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                if (heapPools.contains(e.getKey())) {
                  used += e.getValue().getUsed();
                }
              }
              fraction = Math.min(1.0, (double) used / max);
            },
            null,
            null);
      }
    }
    installed = true;
  }
}
