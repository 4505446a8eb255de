package dev.vela.application.port.out;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class QuantizedBlocksTest {

    /**
     * Blocks of 32 floats (their bits, hex) and the Q8_0 and Q4_0 blocks llama.cpp's
     * {@code quantize_row_q8_0_ref} and {@code quantize_row_q4_0_ref} made of them (a small C program
     * linked to its ggml-base library): ties that round away from zero, a negative element of
     * largest magnitude, a block of zeros, and one whose scale is an fp16 subnormal or zero.
     */
    private static final String[][] LLAMA_CPP = {
            {"bf500000bf400000bf300000bf200000bf100000bf000000bee00000bec00000bea00000be800000be400000be000000bd800000000000003d8000003e0000003e4000003e8000003ea000003ec000003ee000003f0000003f1000003f2000003f3000003f4000003f5000003f6000003f7000003f8000003f8800003f800000",
             "49209fa6aeb5bdc4ccd3dbe2eaf1f900070f161e252d343c434b525a616970787f78",
             "40b07e6e6d5d5c4c4b3b3a2a291918080807"},
            {"bf8e147bbf3d70a4bebd70a4000000003ebd70a4bfe147ae3f8e147bbf8e147bbf3d70a4bebd70a4000000003ebd70a43f3d70a43f8e147bbf8e147bbf3d70a4bebd70a4000000003ebd70a43f3d70a43f8e147bbf8e147bbf3d70a4bebd70a4000000003ebd70a43f3d70a43f8e147bbf8e147bbf3d70a4bebd70a400000000",
             "1823b0cbe5001b8150b0cbe5001b3550b0cbe5001b3550b0cbe5001b3550b0cbe500",
             "0a336385a6b8da305d6385a6b8da3b5d6385"},
            {"0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
             "00000000000000000000000000000000000000000000000000000000000000000000",
             "008088888888888888888888888888888888"},
            {"b50637bd348c1f90b4931a463502ba63b34e289034dfe00a343f2044b4bfa9b434d8e556b40ca90234b3509c33cc02d0b4ec392432d6bf80b465c7de3486c12c324e28c035000b31b3791bb0b49f735e3434637cb39878ac34d386f2b41765cab4cc02ce33b68938b4f1978734a6f784b47084a8b4f8923c3109700034fab7fe",
             "00008142ba7cf46a2da567df55189006ca400379f1b52bee64dc9f168e4fc78a0177",
             "010080fc743fb77feb622e961dda411885fc"}
    };

    @Test
    void quantizedBlocksAreTheBytesLlamaCppWrites() {
        for (String[] known : LLAMA_CPP) {
            float[] x = floats(known[0]);
            assertArrayEquals(HexFormat.of().parseHex(known[1]), quantize(WeightTensor.Type.Q8_0, x), known[0]);
            assertArrayEquals(HexFormat.of().parseHex(known[2]), quantize(WeightTensor.Type.Q4_0, x), known[0]);
        }
    }

    @Test
    void dequantizedElementsAreScaleTimesQuant() {
        for (String[] known : LLAMA_CPP) {
            MemorySegment q8 = MemorySegment.ofArray(HexFormat.of().parseHex(known[1]));
            MemorySegment q4 = MemorySegment.ofArray(HexFormat.of().parseHex(known[2]));
            float d8 = Float.float16ToFloat(q8.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0));
            float d4 = Float.float16ToFloat(q4.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0));
            for (int j = 0; j < 32; j++) {
                assertEquals(d8 * q8.get(ValueLayout.JAVA_BYTE, 2 + j), WeightTensor.dequantizeBlocks(WeightTensor.Type.Q8_0, q8, j));
                int b = q4.get(ValueLayout.JAVA_BYTE, 2 + j % 16) & 0xFF;
                int q = j < 16 ? b & 0xF : b >> 4;
                assertEquals(d4 * (q - 8), WeightTensor.dequantizeBlocks(WeightTensor.Type.Q4_0, q4, j));
            }
        }
    }

    @Test
    void quantizingTheDequantizedBlockGivesItBack() {
        for (String[] known : LLAMA_CPP) {
            for (WeightTensor.Type type : new WeightTensor.Type[] {WeightTensor.Type.Q8_0, WeightTensor.Type.Q4_0}) {
                byte[] block = quantize(type, floats(known[0]));
                MemorySegment blocks = MemorySegment.ofArray(block);
                float[] dequantized = new float[32];
                for (int j = 0; j < 32; j++) {
                    dequantized[j] = WeightTensor.dequantizeBlocks(type, blocks, j);
                }
                if (WeightTensor.blockScale(blocks, 0) != 0f && Math.abs(WeightTensor.blockScale(blocks, 0)) >= 0x1p-14f) {
                    assertArrayEquals(block, quantize(type, dequantized), type + " " + known[0]);
                }
            }
        }
    }

    private static byte[] quantize(WeightTensor.Type type, float[] x) {
        byte[] block = new byte[type.blockBytes()];
        WeightTensor.quantizeBlock(type, x, 0, MemorySegment.ofArray(block), 0);
        return block;
    }

    private static float[] floats(String hex) {
        float[] x = new float[hex.length() / 8];
        for (int i = 0; i < x.length; i++) {
            x[i] = Float.intBitsToFloat(Integer.parseUnsignedInt(hex.substring(8 * i, 8 * i + 8), 16));
        }
        return x;
    }
}
