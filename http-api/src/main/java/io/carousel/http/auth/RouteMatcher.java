package io.carousel.http.auth;

import akka.http.javadsl.model.HttpRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds which route of the route table ({@code "METHOD /path/{param}"}) a request is for, on its
 * decoded path segments, so that the access rule is chosen before any route runs.
 */
final class RouteMatcher {
  /** A matched route and the decoded {@code {userId}} segment (or null). */
  record Match(String route, String userId) {}

  private record Template(String route, String method, String[] segments) {}

  private final List<Template> templates = new ArrayList<>();

  RouteMatcher(List<String> routeTable) {
    for (String route : routeTable) {
      int space = route.indexOf(' ');
      String path = route.substring(space + 1);
      // "/" has no segment, as Akka sees it.
      String[] segments = path.equals("/") ? new String[0] : path.substring(1).split("/", -1);
      templates.add(new Template(route, route.substring(0, space), segments));
    }
  }

  /** Returns the route of {@code request}, or null when none matches (a 404 or 405 follows). */
  Match match(HttpRequest request) {
    List<String> segments = new ArrayList<>();
    request.getUri().pathSegments().forEach(segments::add);
    String raw = request.getUri().path();
    // Akka's routes accept a single trailing slash where they use pathEndOrSingleSlash.
    if (raw.endsWith("/") && !segments.isEmpty() && segments.get(segments.size() - 1).isEmpty()) {
      segments.remove(segments.size() - 1);
    }
    String method = request.method().value();
    for (Template t : templates) {
      if (!t.method.equals(method) || t.segments.length != segments.size()) {
        continue;
      }
      String userId = null;
      boolean same = true;
      for (int i = 0; i < t.segments.length && same; i++) {
        String want = t.segments[i];
        if (want.startsWith("{")) {
          if (want.equals("{userId}")) {
            // As the routes see it: ids are NFC (EventParser), so the NFD spelling is the same
            // user.
            userId = java.text.Normalizer.normalize(segments.get(i), java.text.Normalizer.Form.NFC);
          }
        } else {
          same = want.equals(segments.get(i));
        }
      }
      if (same) {
        return new Match(t.route, userId);
      }
    }
    return null;
  }
}
