package dev.vela.adapters.hf;

import com.hubspot.jinjava.tree.Node;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * How deeply a template may nest, checked without recursion so that any depth is safe to check:
 * blocks inside blocks, and brackets inside an expression. jinja2 compiles a template to Python,
 * where a hundred nested blocks is already an error ("too many levels of indentation"), and its
 * parser recurses for each bracket; Jinjava renders blocks and parses brackets recursively too, so
 * deeper nesting overflows the stack, and parsing nested parentheses takes time that grows with
 * the cube of their depth (4,000 of them took 112 s).
 */
final class TemplateNesting {

    private TemplateNesting() {
    }

    /** Refuses brackets nested deeper than {@code max} inside any {@code {{ ... }}} or {@code {% ... %}}. */
    static void checkExpressions(String source, int max) {
        int depth = 0;
        boolean inCode = false;
        char quote = 0;
        for (int i = 0; i < source.length(); i++) {
            char c = source.charAt(i);
            char next = i + 1 < source.length() ? source.charAt(i + 1) : 0;
            if (!inCode) {
                if (c == '{' && (next == '{' || next == '%')) {
                    inCode = true;
                    depth = 0;
                    i++;
                } else if (c == '{' && next == '#') {
                    int end = source.indexOf("#}", i + 2);
                    i = end < 0 ? source.length() : end + 1;
                }
            } else if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                if (++depth > max) {
                    throw new TemplateSandboxException("the template is nested too deeply (more than " + max
                            + " brackets inside each other)");
                }
            } else if (c == ')' || c == ']' || (c == '}' && depth > 0)) {
                depth = Math.max(0, depth - 1);
            } else if ((c == '}' || c == '%') && next == '}') {
                inCode = false;
                i++;
            }
        }
    }

    /** Refuses a tree whose blocks nest deeper than {@code max}. */
    static void checkBlocks(Node root, int max) {
        Deque<Node> pending = new ArrayDeque<>(List.of(root));
        Deque<Integer> depths = new ArrayDeque<>(List.of(0));
        while (!pending.isEmpty()) {
            Node node = pending.pop();
            int depth = depths.pop();
            if (depth > max) {
                throw new TemplateSandboxException("the template is nested too deeply (more than " + max
                        + " blocks inside each other, line " + node.getLineNumber() + ")");
            }
            for (Node child : node.getChildren()) {
                pending.push(child);
                depths.push(depth + 1);
            }
        }
    }
}
