package io.carousel.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.carousel.http.journal.JournalReader;
import io.carousel.offline.ope.JournalOpe;
import io.carousel.offline.ope.ServedLog;
import io.carousel.offline.report.OpeReport;
import io.carousel.policy.ope.Estimate;
import io.carousel.policy.ope.Estimator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code carousel ope --from-journal}: reads the embedded journal of a data directory, writes the
 * served log as NDJSON ({@link ServedLog}) and prints the IPS/SNIPS/DR table of {@link JournalOpe}.
 */
public final class JournalOpeOutput {

  private JournalOpeOutput() {}

  /**
   * Runs the export and the estimates; returns the exit code 0; throws IllegalArgumentException
   * when there is no journal or no served slate, IOException when a file cannot be written.
   */
  public static int run(
      Path dataDir, Path export, Path report, boolean json, int resamples, long seed)
      throws Exception {
    Map<String, List<Object>> events = JournalReader.readEmbedded(dataDir, Duration.ofMinutes(2));
    List<ServedLog.Row> rows = ServedLog.rows(events);
    ServedLog.writeNdjson(rows, export);
    // The ε the node served with: the configured carousel.user-profile.epsilon (default 0.1).
    double loggedEpsilon =
        JournalReader.embeddedConfig(dataDir).getDouble("carousel.user-profile.epsilon");
    JournalOpe.Result r = JournalOpe.evaluate(rows, loggedEpsilon, resamples, seed);
    Map<String, Object> out = toJson(r, events.size(), export);
    String text =
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out);
    System.out.println(json ? text : human(r, events.size(), export, resamples));
    if (report != null) {
      Files.createDirectories(report);
      Files.writeString(report.resolve("ope-journal.json"), text + "\n");
    }
    return 0;
  }

  /** Returns {users, rows, slates, logged_policies, on_policy_ctr, export, policies: {...}}. */
  static Map<String, Object> toJson(JournalOpe.Result r, int users, Path export) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("users", users);
    m.put("rows", r.rows());
    m.put("slates", r.slates());
    m.put("logged_policies", r.policiesLogged());
    m.put("on_policy_ctr", r.onPolicyCtr());
    m.put("export", export.toString());
    Map<String, Object> policies = new LinkedHashMap<>();
    r.estimates()
        .forEach(
            (name, est) -> {
              Map<String, Object> row = new LinkedHashMap<>();
              for (Estimator e : Estimator.values()) {
                Estimate x = est.get(e);
                row.put(
                    e.name().toLowerCase(Locale.ROOT),
                    Map.of("value", x.value(), "lo", x.lo(), "hi", x.hi()));
              }
              policies.put(name, row);
            });
    m.put("policies", policies);
    return m;
  }

  private static String human(JournalOpe.Result r, int users, Path export, int resamples) {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "served log: %d users, %d slates, %d (slate, slot) rows by %s; exported to %s%n"
                + "on-policy CTR per shown slot %.4f%%; 95%% bootstrap CIs (%d resamples)%n",
            users,
            r.slates(),
            r.rows(),
            r.policiesLogged(),
            export,
            100 * r.onPolicyCtr(),
            resamples));
    s.append(
        String.format(
            Locale.ROOT, "%-22s %-26s %-26s %-26s%n", "policy", "IPS %", "SNIPS %", "DR %"));
    r.estimates()
        .forEach(
            (name, est) -> {
              s.append(String.format(Locale.ROOT, "%-22s", name));
              for (Estimator e : Estimator.values()) {
                s.append(OpeReport.cell(est.get(e)));
              }
              s.append(System.lineSeparator());
            });
    s.append(
        "logged: IPS and SNIPS must equal the on-policy CTR (weights are 1); greedy-model and"
            + " epsilon-greedy(ε') reweight the logged greedy/exploration decision per slot"
            + " (see JournalOpe).");
    return s.toString();
  }
}
