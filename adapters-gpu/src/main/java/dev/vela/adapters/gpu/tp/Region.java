package dev.vela.adapters.gpu.tp;

/**
 * A rectangle of one source weight copied into a rank's tensor. Sources are seen as matrices
 * {@code [rows, columns]} in row-major order (a 1-D tensor of n values is {@code [1, n]}); the
 * rectangle starts at ({@code sourceRow}, {@code sourceColumn}) and lands at
 * ({@code destinationRow}, {@code destinationColumn}) of the destination. A rectangle narrower than
 * its source is strided (a row-parallel slice): one 2-D copy, never a repacked host copy.
 *
 * @param source        the Hugging Face tensor name
 * @param sourceColumns the width of the source matrix (its row pitch in elements)
 */
public record Region(String source, long sourceColumns, long sourceRow, long sourceColumn,
                     long rows, long columns, long destinationRow, long destinationColumn) {

    public Region {
        if (rows < 0 || columns < 0 || sourceRow < 0 || sourceColumn < 0 || destinationRow < 0 || destinationColumn < 0) {
            throw new IllegalArgumentException("a region of " + source + " has a negative extent or offset");
        }
        if (sourceColumn + columns > sourceColumns) {
            throw new IllegalArgumentException("a region of " + source + " reaches column " + (sourceColumn + columns)
                    + " of " + sourceColumns);
        }
    }

    /** Elements the region copies. */
    public long elements() {
        return rows * columns;
    }

    /** Whether the region is one contiguous run of its source (whole rows). */
    public boolean contiguousInSource() {
        return columns == sourceColumns || rows <= 1;
    }
}
