package dev.vela.adapters.hf;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.ForTag;
import com.hubspot.jinjava.tree.TagNode;
import java.util.AbstractCollection;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Jinjava's {@code for} tag, with each iteration spending a unit of the render's work budget
 * ({@link BudgetedInterpreter}): an empty loop body renders no node, so counting nodes alone would
 * let nested loops run unbounded.
 */
final class BudgetedForTag extends ForTag {

    @Override
    public String renderForCollection(TagNode tagNode, JinjavaInterpreter interpreter, List<String> loopVars,
                                      Object collection) {
        return super.renderForCollection(tagNode, interpreter, loopVars, budgeted(collection, interpreter));
    }

    /** The collection as Jinjava would iterate it (a map by its keys, as jinja2 does), counting each step. */
    private static Object budgeted(Object collection, JinjavaInterpreter interpreter) {
        Collection<?> items = switch (collection) {
            case Collection<?> c -> c;
            case Map<?, ?> map -> map.keySet();
            case Object[] array -> Arrays.asList(array);
            case null, default -> null;
        };
        if (items == null) {
            return collection;
        }
        return new AbstractCollection<Object>() {
            @Override
            public Iterator<Object> iterator() {
                Iterator<?> inner = items.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return inner.hasNext();
                    }

                    @Override
                    public Object next() {
                        BudgetedInterpreter.spend(interpreter);
                        return inner.next();
                    }
                };
            }

            @Override
            public int size() {
                return items.size();
            }
        };
    }
}
