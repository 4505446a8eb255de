package dev.vela.adapters.gpu.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * One strided copy for {@code cuMemcpy2DAsync_v2}: {@code height} rows of {@code widthBytes},
 * {@code sourcePitch} bytes apart in the source and {@code destinationPitch} apart in the
 * destination. A host side is a {@link MemorySegment} (a mapped weight file, pinned memory), a
 * device side a device pointer; exactly one of each pair is used.
 */
record Copy2D(MemorySegment sourceHost, long sourceDevice, long sourcePitch, MemorySegment destinationHost,
              long destinationDevice, long destinationPitch, long widthBytes, long height) {

    /** {@code CUDA_MEMCPY2D} (the {@code _v2} struct of CUDA 13's cuda.h: 128 bytes, size_t fields). */
    static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("srcXInBytes"),
            JAVA_LONG.withName("srcY"),
            JAVA_INT.withName("srcMemoryType"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("srcHost"),
            JAVA_LONG.withName("srcDevice"),
            ADDRESS.withName("srcArray"),
            JAVA_LONG.withName("srcPitch"),
            JAVA_LONG.withName("dstXInBytes"),
            JAVA_LONG.withName("dstY"),
            JAVA_INT.withName("dstMemoryType"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("dstHost"),
            JAVA_LONG.withName("dstDevice"),
            ADDRESS.withName("dstArray"),
            JAVA_LONG.withName("dstPitch"),
            JAVA_LONG.withName("WidthInBytes"),
            JAVA_LONG.withName("Height"));

    static Copy2D hostToDevice(MemorySegment source, long sourcePitch, long destination, long destinationPitch,
                               long widthBytes, long height) {
        return new Copy2D(source, 0, sourcePitch, null, destination, destinationPitch, widthBytes, height);
    }

    static Copy2D deviceToHost(long source, long sourcePitch, MemorySegment destination, long destinationPitch,
                               long widthBytes, long height) {
        return new Copy2D(null, source, sourcePitch, destination, 0, destinationPitch, widthBytes, height);
    }

    MemorySegment toStruct(Arena arena) {
        MemorySegment s = arena.allocate(LAYOUT);
        if (sourceHost != null) {
            s.set(JAVA_INT, offset("srcMemoryType"), CudaDriver.CU_MEMORYTYPE_HOST);
            s.set(ADDRESS, offset("srcHost"), sourceHost);
        } else {
            s.set(JAVA_INT, offset("srcMemoryType"), CudaDriver.CU_MEMORYTYPE_DEVICE);
            s.set(JAVA_LONG, offset("srcDevice"), sourceDevice);
        }
        s.set(JAVA_LONG, offset("srcPitch"), sourcePitch);
        if (destinationHost != null) {
            s.set(JAVA_INT, offset("dstMemoryType"), CudaDriver.CU_MEMORYTYPE_HOST);
            s.set(ADDRESS, offset("dstHost"), destinationHost);
        } else {
            s.set(JAVA_INT, offset("dstMemoryType"), CudaDriver.CU_MEMORYTYPE_DEVICE);
            s.set(JAVA_LONG, offset("dstDevice"), destinationDevice);
        }
        s.set(JAVA_LONG, offset("dstPitch"), destinationPitch);
        s.set(JAVA_LONG, offset("WidthInBytes"), widthBytes);
        s.set(JAVA_LONG, offset("Height"), height);
        return s;
    }

    static long offset(String field) {
        return LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }
}
