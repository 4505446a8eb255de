package dev.vela.adapters.hf.random;

import dev.vela.adapters.hf.ByteLevelAlphabet;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Learns a small byte-level BPE vocabulary from a text, the way Qwen's tokenizer was built (NFC,
 * Qwen2's pre-tokenizer split, GPT-2's byte alphabet, greedy pair merges). Deterministic: ties go
 * to the lexicographically smallest pair.
 */
final class ByteLevelBpeTrainer {

    /** Qwen2's pre-tokenizer split pattern, as in its tokenizer.json. */
    static final String QWEN2_SPLIT =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private ByteLevelBpeTrainer() {
    }

    /** Learns at most {@code maxMerges} merges from {@code corpus}. */
    static BpeVocabulary train(String corpus, int maxMerges) {
        List<String> tokens = new ArrayList<>(256 + maxMerges);
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteLevelAlphabet.charOf(b)));
        }
        Map<List<String>, Integer> words = words(corpus);
        List<List<String>> symbols = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        words.forEach((word, count) -> {
            symbols.add(new ArrayList<>(word));
            counts.add(count);
        });
        List<String> merges = new ArrayList<>(maxMerges);
        while (merges.size() < maxMerges) {
            TreeMap<String, Integer> pairs = new TreeMap<>();
            for (int w = 0; w < symbols.size(); w++) {
                List<String> word = symbols.get(w);
                for (int i = 0; i + 1 < word.size(); i++) {
                    pairs.merge(word.get(i) + " " + word.get(i + 1), counts.get(w), Integer::sum);
                }
            }
            if (pairs.isEmpty()) {
                break;
            }
            String best = null;
            int bestCount = 0;
            for (Map.Entry<String, Integer> pair : pairs.entrySet()) {
                if (pair.getValue() > bestCount) {
                    best = pair.getKey();
                    bestCount = pair.getValue();
                }
            }
            String left = best.substring(0, best.indexOf(' '));
            String right = best.substring(best.indexOf(' ') + 1);
            merges.add(best);
            tokens.add(left + right);
            for (List<String> word : symbols) {
                for (int i = 0; i + 1 < word.size(); i++) {
                    if (word.get(i).equals(left) && word.get(i + 1).equals(right)) {
                        word.set(i, left + right);
                        word.remove(i + 1);
                    }
                }
            }
        }
        return new BpeVocabulary(tokens, merges);
    }

    private static Map<List<String>, Integer> words(String corpus) {
        Map<List<String>, Integer> words = new LinkedHashMap<>();
        Matcher m = Pattern.compile(QWEN2_SPLIT).matcher(Normalizer.normalize(corpus, Normalizer.Form.NFC));
        Map<String, List<String>> split = new HashMap<>();
        while (m.find()) {
            List<String> word = split.computeIfAbsent(m.group(), piece -> {
                String mapped = ByteLevelAlphabet.encode(piece.getBytes(StandardCharsets.UTF_8));
                List<String> chars = new ArrayList<>(mapped.length());
                for (int i = 0; i < mapped.length(); i++) {
                    chars.add(String.valueOf(mapped.charAt(i)));
                }
                return chars;
            });
            words.merge(word, 1, Integer::sum);
        }
        return words;
    }
}
