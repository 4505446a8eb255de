package dev.vela.adapters.hf;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;

/**
 * An interpreter for one render that may do a bounded amount of work: each node rendered and each
 * loop iteration spends one unit, and a render that runs out fails. Output and recursion limits do
 * not bound a loop that prints nothing ({@code {% for a in x %}{% for b in x %}{% endfor %}{% endfor %}}),
 * so without this one request could keep a core busy for minutes. A variable holding a string
 * longer than a render may output cannot be read, so a string doubled in a loop
 * ({@code {% set s = s ~ s %}}) stops there instead of filling the heap.
 */
final class BudgetedInterpreter extends JinjavaInterpreter {

    private final long budget;
    private final long maxStringLength;
    private long left;

    BudgetedInterpreter(Jinjava jinjava, Context context, JinjavaConfig config, long budget, long maxStringLength) {
        super(jinjava, context, config);
        this.budget = budget;
        this.maxStringLength = maxStringLength;
        this.left = budget;
    }

    @Override
    public Object retraceVariable(String variable, int lineNumber, int startPosition) {
        Object value = super.retraceVariable(variable, lineNumber, startPosition);
        if (value instanceof CharSequence text && text.length() > maxStringLength) {
            throw new TemplateSandboxException("the template built a string longer than " + maxStringLength
                    + " characters ('" + variable + "')");
        }
        return value;
    }

    /** Spends one unit of work from the render that {@code interpreter} runs, if it has a budget. */
    static void spend(JinjavaInterpreter interpreter) {
        if (interpreter instanceof BudgetedInterpreter budgeted && --budgeted.left < 0) {
            throw new TemplateSandboxException("the template took more than " + budgeted.budget
                    + " steps (nodes rendered and loop iterations) to render");
        }
    }
}
