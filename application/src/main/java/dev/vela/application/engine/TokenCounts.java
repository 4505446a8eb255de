package dev.vela.application.engine;

import java.util.Arrays;

/**
 * How often each token id occurs, for the penalties: an open-addressing map from id to count that
 * grows with the number of distinct tokens, not with the vocabulary.
 */
final class TokenCounts {

    private static final int EMPTY = -1;
    private int[] keys;
    private int[] counts;
    private int size;

    TokenCounts() {
        keys = new int[64];
        counts = new int[64];
        Arrays.fill(keys, EMPTY);
    }

    void add(int token) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int slot = slotOf(keys, token);
        if (keys[slot] == EMPTY) {
            keys[slot] = token;
            size++;
        }
        counts[slot]++;
    }

    int count(int token) {
        int slot = slotOf(keys, token);
        return keys[slot] == EMPTY ? 0 : counts[slot];
    }

    boolean contains(int token) {
        return count(token) > 0;
    }

    int distinct() {
        return size;
    }

    /** Calls {@code action} once per distinct token with its count. */
    void forEach(Entry action) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY) {
                action.accept(keys[i], counts[i]);
            }
        }
    }

    /** Receives one distinct token and its count. */
    @FunctionalInterface
    interface Entry {
        void accept(int token, int count);
    }

    private static int slotOf(int[] keys, int token) {
        int mask = keys.length - 1;
        int slot = (token * 0x9E3779B9) >>> 7 & mask;
        while (keys[slot] != EMPTY && keys[slot] != token) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private void grow() {
        int[] oldKeys = keys;
        int[] oldCounts = counts;
        keys = new int[oldKeys.length * 2];
        counts = new int[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                int slot = slotOf(keys, oldKeys[i]);
                keys[slot] = oldKeys[i];
                counts[slot] = oldCounts[i];
            }
        }
    }
}
