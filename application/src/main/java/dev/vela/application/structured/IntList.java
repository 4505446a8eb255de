package dev.vela.application.structured;

import java.util.Arrays;

/** A growable list of ints, for the compiler's edge lists and the masker's token lists. */
final class IntList {

    int[] values = new int[4];
    int size;

    void add(int value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    int[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
