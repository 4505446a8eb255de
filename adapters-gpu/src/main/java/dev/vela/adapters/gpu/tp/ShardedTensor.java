package dev.vela.adapters.gpu.tp;

import java.util.List;

/**
 * One weight as a rank holds it: a {@code [rows, columns]} matrix assembled from rectangles of the
 * model's tensors. Elements no region covers are zero (the padding rows of a vocab-parallel
 * lm_head).
 */
public record ShardedTensor(String name, long rows, long columns, List<Region> regions) {

    public ShardedTensor {
        regions = List.copyOf(regions);
        for (Region region : regions) {
            if (region.destinationRow() + region.rows() > rows || region.destinationColumn() + region.columns() > columns) {
                throw new IllegalArgumentException(name + ": " + region + " does not fit in [" + rows + ", " + columns + "]");
            }
        }
    }

    public long elements() {
        return rows * columns;
    }

    /** Whether some elements are padding, not covered by any region. */
    public boolean padded() {
        return regions.stream().mapToLong(Region::elements).sum() < elements();
    }
}
