package dev.vela.application.structured;

import dev.vela.application.structured.GrammarExpr.Alternation;
import dev.vela.application.structured.GrammarExpr.CharClass;
import dev.vela.application.structured.GrammarExpr.Literal;
import dev.vela.application.structured.GrammarExpr.Repeat;
import dev.vela.application.structured.GrammarExpr.Sequence;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON Schema {@code format}s Vela enforces, each as the grammar of a string's content (between
 * the quotes). Each grammar is a subset of what the format allows, chosen so that every string it
 * produces is valid: dates never fall on the 29th of February, times have no leap second and
 * offsets stay within ±17:59.
 */
final class StringFormats {

    private static final CharClass DIGIT = range('0', '9');
    private static final CharClass HEX = new CharClass(new int[] {'0', '9', 'a', 'f', 'A', 'F'}, false);
    private static final CharClass ALNUM = new CharClass(new int[] {'0', '9', 'a', 'z', 'A', 'Z'}, false);

    private static final Map<String, GrammarExpr> FORMATS = Map.of(
            "date", date(),
            "time", time(),
            "date-time", seq(date(), lit("T"), time()),
            "uuid", uuid(),
            "email", email(),
            "ipv4", ipv4());

    private StringFormats() {
    }

    static Set<String> names() {
        return FORMATS.keySet();
    }

    /** The content grammar of {@code format}, or null when Vela does not enforce it. */
    static GrammarExpr content(String format) {
        return FORMATS.get(format);
    }

    /** {@code YYYY-MM-DD}: months 01-12, days that every year has in that month. */
    private static GrammarExpr date() {
        GrammarExpr upTo28 = alt(seq(lit("0"), range('1', '9')), seq(lit("1"), DIGIT), seq(lit("2"), range('0', '8')));
        GrammarExpr monthsOf30 = alt(seq(lit("0"), new CharClass(new int[] {'1', '1', '3', '9'}, false)),
                seq(lit("1"), range('0', '2')));
        GrammarExpr monthsOf31 = alt(seq(lit("0"), new CharClass(new int[] {'1', '1', '3', '3', '5', '5', '7', '8'}, false)),
                seq(lit("1"), new CharClass(new int[] {'0', '0', '2', '2'}, false)));
        GrammarExpr anyMonth = alt(seq(lit("0"), range('1', '9')), seq(lit("1"), range('0', '2')));
        GrammarExpr monthAndDay = alt(
                seq(anyMonth, lit("-"), upTo28),
                seq(monthsOf30, lit("-"), alt(lit("29"), lit("30"))),
                seq(monthsOf31, lit("-"), lit("31")));
        return seq(new Repeat(DIGIT, 4, 4), lit("-"), monthAndDay);
    }

    /** RFC 3339 {@code full-time}: {@code HH:MM:SS}, an optional fraction, then {@code Z} or an offset. */
    private static GrammarExpr time() {
        GrammarExpr hour = alt(seq(range('0', '1'), DIGIT), seq(lit("2"), range('0', '3')));
        GrammarExpr sixty = seq(range('0', '5'), DIGIT);
        GrammarExpr fraction = new Repeat(seq(lit("."), new Repeat(DIGIT, 1, 9)), 0, 1);
        // Offsets within ±17:59, the range java.time (and every real time zone) accepts.
        GrammarExpr offsetHour = alt(seq(lit("0"), DIGIT), seq(lit("1"), range('0', '7')));
        GrammarExpr offset = alt(lit("Z"), seq(new CharClass(new int[] {'+', '+', '-', '-'}, false), offsetHour, lit(":"), sixty));
        return seq(hour, lit(":"), sixty, lit(":"), sixty, fraction, offset);
    }

    /** Eight, four, four, four and twelve hexadecimal digits. */
    private static GrammarExpr uuid() {
        return seq(hex(8), lit("-"), hex(4), lit("-"), hex(4), lit("-"), hex(4), lit("-"), hex(12));
    }

    /** A dot-atom local part and a host name of at least two labels, the last one letters only. */
    private static GrammarExpr email() {
        GrammarExpr atom = new Repeat(new CharClass(new int[] {'0', '9', 'a', 'z', 'A', 'Z', '_', '_', '+', '+', '-', '-'}, false),
                1, 64);
        GrammarExpr local = seq(atom, new Repeat(seq(lit("."), atom), 0, 4));
        GrammarExpr label = seq(ALNUM, new Repeat(seq(new Repeat(new CharClass(new int[] {'0', '9', 'a', 'z', 'A', 'Z', '-', '-'}, false),
                0, 61), ALNUM), 0, 1));
        GrammarExpr topLevel = new Repeat(new CharClass(new int[] {'a', 'z', 'A', 'Z'}, false), 2, 24);
        return seq(local, lit("@"), label, new Repeat(seq(lit("."), label), 0, 4), lit("."), topLevel);
    }

    /** Four decimal octets 0-255 without leading zeros. */
    private static GrammarExpr ipv4() {
        GrammarExpr octet = alt(
                seq(lit("25"), range('0', '5')),
                seq(lit("2"), range('0', '4'), DIGIT),
                seq(lit("1"), DIGIT, DIGIT),
                seq(range('1', '9'), DIGIT),
                DIGIT);
        return seq(octet, lit("."), octet, lit("."), octet, lit("."), octet);
    }

    private static GrammarExpr hex(int count) {
        return new Repeat(HEX, count, count);
    }

    private static CharClass range(char from, char to) {
        return new CharClass(new int[] {from, to}, false);
    }

    private static Literal lit(String text) {
        return new Literal(text);
    }

    private static GrammarExpr seq(GrammarExpr... items) {
        return new Sequence(List.of(items));
    }

    private static GrammarExpr alt(GrammarExpr... options) {
        return new Alternation(List.of(options));
    }
}
