package dev.vela.adapters.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The KV cache of a forward pass on the CPU, in the engine's blocks: for every layer, keys and
 * values of {@code blockSize} positions per block, {@code kvHeads x headDim} floats per position,
 * off the Java heap. Memory is taken a slab of blocks at a time as blocks are first written, so
 * a large budget costs nothing until it is used.
 *
 * <p>Values are stored position by position (a position's {@code kvHeads x headDim} floats
 * together); keys are stored transposed within a block, one row of {@code blockSize} positions per
 * key dimension ({@link #keyRow}), so that attention scores a vector of positions at once.
 */
final class PagedKvCache implements AutoCloseable {

    private static final int BLOCKS_PER_SLAB = 64;

    private final int layers;
    private final int blockSize;
    private final int positionFloats;
    private final int numBlocks;
    private final MemorySegment[][] keys;
    private final MemorySegment[][] values;
    private final Arena arena = Arena.ofShared();

    PagedKvCache(int layers, int kvHeads, int headDim, int blockSize, int numBlocks) {
        this.layers = layers;
        this.blockSize = blockSize;
        this.positionFloats = kvHeads * headDim;
        this.numBlocks = numBlocks;
        int slabs = (numBlocks + BLOCKS_PER_SLAB - 1) / BLOCKS_PER_SLAB;
        this.keys = new MemorySegment[layers][slabs];
        this.values = new MemorySegment[layers][slabs];
    }

    /** Bytes one block takes over all layers, keys and values. */
    static long bytesPerBlock(int layers, int kvHeads, int headDim, int blockSize) {
        return 2L * layers * kvHeads * headDim * blockSize * Float.BYTES;
    }

    int blockSize() {
        return blockSize;
    }

    int numBlocks() {
        return numBlocks;
    }

    /** Writes one position's keys and values ({@code kvHeads x headDim} floats each). */
    void write(int layer, int block, int offset, float[] k, int kFrom, float[] v, int vFrom) {
        MemorySegment keySlab = slab(keys, layer, block);
        long row = keyRow(block, 0) + (long) offset * Float.BYTES;
        for (int i = 0; i < positionFloats; i++) {
            keySlab.set(ValueLayout.JAVA_FLOAT, row + (long) i * blockSize * Float.BYTES, k[kFrom + i]);
        }
        MemorySegment.copy(v, vFrom, slab(values, layer, block), ValueLayout.JAVA_FLOAT, byteOffset(block, offset), positionFloats);
    }

    /**
     * The byte offset, in {@link #keySlab}, of key dimension {@code dimension} (of all the KV
     * heads', {@code kvHead * headDim + d}) of a block's first position; the block's other
     * positions follow it, a float apart.
     */
    long keyRow(int block, int dimension) {
        return ((long) (block % BLOCKS_PER_SLAB) * positionFloats + dimension) * blockSize * Float.BYTES;
    }

    /** The slab holding a block's keys ({@link #keyRow}). */
    MemorySegment keySlab(int layer, int block) {
        return keys[layer][block / BLOCKS_PER_SLAB];
    }

    /** The slab holding a block's values, and ({@link #byteOffset}) where a position's are in it. */
    MemorySegment valueSlab(int layer, int block) {
        return values[layer][block / BLOCKS_PER_SLAB];
    }

    long byteOffset(int block, int offset) {
        return ((long) (block % BLOCKS_PER_SLAB) * blockSize + offset) * positionFloats * Float.BYTES;
    }

    private MemorySegment slab(MemorySegment[][] kind, int layer, int block) {
        if (block < 0 || block >= numBlocks || layer < 0 || layer >= layers) {
            throw new IllegalArgumentException("KV block " + block + " of layer " + layer + " is outside the cache");
        }
        int index = block / BLOCKS_PER_SLAB;
        MemorySegment slab = kind[layer][index];
        if (slab == null) {
            slab = arena.allocate((long) BLOCKS_PER_SLAB * blockSize * positionFloats * Float.BYTES, 64);
            kind[layer][index] = slab;
        }
        return slab;
    }

    @Override
    public void close() {
        arena.close();
    }
}
