package io.carousel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code serve --port} outside 0..65535 is bad input before anything is read or trained. */
class NodeOptionsTest {
  private static ServeCommand serve(String... args) {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs(args);
    return serve;
  }

  @Test
  void portOutOfRangeIsRejectedNamingTheOption() {
    for (String port : new String[] {"-1", "65536", "99999"}) {
      ServeCommand s = serve("--port", port);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> s.node.toConfig());
      assertTrue(e.getMessage().startsWith("--port must be in 0..65535"), e.getMessage());
    }
    assertEquals(0, serve("--port", "0").node.toConfig().getInt("carousel.http.port"));
    assertEquals(65535, serve("--port", "65535").node.toConfig().getInt("carousel.http.port"));
  }
}
