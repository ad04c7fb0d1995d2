package io.carousel.engine.tower;

import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * Where the serving graph's ops run. Every serving session is created with soft placement: ops go
 * to {@code /device:GPU:0} when the GPU natives ({@code -Pgpu}, host CUDA 12 + cuDNN 9) see a GPU,
 * and fall back to the CPU otherwise, so the same code and SavedModel run on both (TensorFlow, "Use
 * a GPU" guide, "Manual device placement" / {@code allow_soft_placement}).
 */
public final class DevicePlacement {
  /** The device that {@link #probeGpu} pins its test op to. */
  public static final String GPU = "/device:GPU:0";

  private DevicePlacement() {}

  /**
   * Returns the session configuration of every serving session: {@code allow_soft_placement} true,
   * GPU memory grown on demand rather than reserved whole.
   */
  public static ConfigProto sessionConfig() {
    return ConfigProto.newBuilder()
        .setAllowSoftPlacement(true)
        .setGpuOptions(org.tensorflow.proto.GPUOptions.newBuilder().setAllowGrowth(true))
        .build();
  }

  /**
   * The outcome of {@link #probeGpu}.
   *
   * @param tensorflowVersion the native library's version, e.g. {@code 2.18.0}
   * @param gpuVisible true when a {@code [2][2]} matmul pinned to {@link #GPU} ran without soft
   *     placement
   * @param detail the error TensorFlow gave when it could not place the op on the GPU, else "ok"
   */
  public record Probe(String tensorflowVersion, boolean gpuVisible, String detail) {}

  /**
   * Runs a {@code [2][2]·[2][2]} matmul pinned to {@link #GPU} with soft placement off, so that it
   * fails when TensorFlow sees no GPU; reports whether it ran. Never throws for a missing GPU.
   */
  public static Probe probeGpu() {
    DeviceSpec gpu =
        DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.GPU).deviceIndex(0).build();
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> a = tf.constant(new float[][] {{1, 2}, {3, 4}});
      Operand<TFloat32> product = tf.withDevice(gpu).linalg.matMul(a, a);
      ConfigProto strict = ConfigProto.newBuilder().setAllowSoftPlacement(false).build();
      try (Session s = new Session(g, strict);
          Result r = s.runner().fetch(product).run()) {
        boolean ok = ((TFloat32) r.get(0)).getFloat(0, 0) == 7f;
        return new Probe(TensorFlow.version(), ok, ok ? "ok" : "wrong matmul result");
      } catch (RuntimeException e) {
        return new Probe(TensorFlow.version(), false, String.valueOf(e.getMessage()));
      }
    }
  }
}
