package dev.vela.adapters.gpu.cuda;

/**
 * A kernel launch's grid in blocks, within CUDA's limits: up to 2³¹−1 blocks in x, 65,535 in y
 * and z. Whatever grows with the step (its tokens) goes in x, so a step of more than 65,535
 * batched tokens still launches.
 */
record Grid(int x, int y, int z) {

    static final int MAX_X = Integer.MAX_VALUE;
    static final int MAX_YZ = 65_535;

    Grid {
        if (x < 0 || y < 0 || z < 0) {
            throw new IllegalArgumentException("a negative grid: " + x + " × " + y + " × " + z);
        }
        if (y > MAX_YZ || z > MAX_YZ) {
            throw new IllegalArgumentException("grid " + x + " × " + y + " × " + z + " exceeds CUDA's " + MAX_YZ
                    + " blocks in y or z");
        }
    }

    /** Attention and its combine step: one block per (token, query head, context partition). */
    static Grid attention(int tokens, int queryHeads, int partitions) {
        return new Grid(tokens, queryHeads, partitions);
    }

    /** A grid-stride loop over {@code elements}, {@code block} threads a block: enough blocks to fill a GPU, no more. */
    static Grid strided(long elements, int block) {
        return new Grid((int) Math.clamp((elements + block - 1) / block, 1, MAX_YZ), 1, 1);
    }

    /** Nothing to launch: some dimension is empty. */
    boolean empty() {
        return x == 0 || y == 0 || z == 0;
    }
}
