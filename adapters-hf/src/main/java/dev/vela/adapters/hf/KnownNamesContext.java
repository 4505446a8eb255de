package dev.vela.adapters.hf;

import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;
import java.util.Map;
import java.util.Set;

/**
 * The root scope of a render, where an unknown filter or test is an error as in jinja2 (a
 * TemplateAssertionError there; Jinjava would silently leave the value as it was). Inner scopes
 * look filters and tests up through their parents, so they end here.
 */
final class KnownNamesContext extends Context {

    KnownNamesContext(Context parent, Map<String, ?> bindings, Map<Library, Set<String>> disabled) {
        super(parent, bindings, disabled);
    }

    @Override
    public Filter getFilter(String name) {
        Filter filter = super.getFilter(name);
        if (filter == null) {
            throw new TemplateSandboxException("No filter named '" + name + "'.");
        }
        return filter;
    }

    @Override
    public ExpTest getExpTest(String name) {
        ExpTest test = super.getExpTest(name);
        if (test == null) {
            throw new TemplateSandboxException("No test named '" + name + "'.");
        }
        return test;
    }
}
