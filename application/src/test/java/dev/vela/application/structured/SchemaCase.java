package dev.vela.application.structured;

import java.util.List;

/** A JSON schema for the structured-output tests, with texts its grammar must refuse (wrong answers, or members out of schema order). */
public record SchemaCase(String name, String schema, List<String> invalid) {

    /** The wrong answers are written with single quotes for readability; they stand for double quotes. */
    public SchemaCase {
        invalid = invalid.stream().map(text -> text.replace('\'', '"')).toList();
    }

    @Override
    public String toString() {
        return name;
    }

    /** Schemas covering every keyword the compiler enforces, each with a few wrong answers. */
    public static List<SchemaCase> all() {
        return List.of(
                new SchemaCase("flat object", """
                        {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
                         "required": ["name", "age"]}""",
                        List.of("{'age': 3, 'name': 'a'}", "{'name': 'a'}", "{'name': 1, 'age': 3}",
                                "{'name': 'a', 'age': 3, 'x': 1}", "{'name': 'a', 'age': 3.5}")),
                new SchemaCase("nested objects", """
                        {"type": "object", "properties": {
                           "person": {"type": "object", "properties": {
                              "name": {"type": "string", "maxLength": 12},
                              "address": {"type": "object", "properties": {"city": {"type": "string"}, "zip": {"type": "string", "minLength": 5, "maxLength": 5}},
                                          "required": ["city", "zip"]}},
                            "required": ["name", "address"]}},
                         "required": ["person"]}""",
                        List.of("{'person': {'name': 'a', 'address': {'city': 'b', 'zip': '1234'}}}")),
                new SchemaCase("array of objects", """
                        {"type": "array", "minItems": 1, "maxItems": 4,
                         "items": {"type": "object", "properties": {"id": {"type": "integer", "minimum": 1}, "tags": {"type": "array", "items": {"type": "string"}}},
                                   "required": ["id"]}}""",
                        List.of("[]", "[{'id': 0}]", "[{'id': 1},{'id': 1},{'id': 1},{'id': 1},{'id': 1}]")),
                new SchemaCase("string enum", """
                        {"enum": ["red", "green", "blue \\"quoted\\"", "grün", "🙂"]}""",
                        List.of("'yellow'", "'Red'")),
                new SchemaCase("mixed enum", """
                        {"enum": [1, 2.5, -3e2, "x", null, true, [1, "a"], {"k": {"v": [false]}}]}""",
                        List.of("3", "'y'", "false")),
                new SchemaCase("const", """
                        {"type": "object", "properties": {"kind": {"const": "point"}, "x": {"type": "number"}}, "required": ["kind", "x"]}""",
                        List.of("{'kind': 'line', 'x': 1}")),
                new SchemaCase("numbers with exponents", """
                        {"type": "array", "items": {"type": "number"}, "minItems": 3}""",
                        List.of("[1, 2]", "[01, 2, 3]", "[1., 2, 3]", "[1e, 2, 3]", "[.5, 2, 3]", "[-0.5E+, 1, 2]")),
                new SchemaCase("small integer range", """
                        {"type": "integer", "minimum": -5, "maximum": 17}""",
                        List.of("-6", "18", "-0", "05", "1.0", "100")),
                new SchemaCase("integer lower bound", """
                        {"type": "integer", "minimum": 100}""",
                        List.of("99", "-100", "0", "0100")),
                new SchemaCase("negative exclusive maximum", """
                        {"type": "integer", "exclusiveMaximum": -20, "exclusiveMinimum": -1000}""",
                        List.of("-20", "-1000", "0", "-19")),
                new SchemaCase("wide integer range", """
                        {"type": "integer", "minimum": -123456, "maximum": 987654321}""",
                        List.of("-123457", "987654322", "9876543210")),
                new SchemaCase("string lengths in code points", """
                        {"type": "string", "minLength": 2, "maxLength": 4}""",
                        List.of("'a'", "'abcde'", "'🙂'")),
                new SchemaCase("free strings with escapes and non-ASCII", """
                        {"type": "array", "items": {"type": "string"}, "minItems": 5, "maxItems": 8}""",
                        List.of("['a\nb', '', '', '', '']", "['\\x', '', '', '', '']",
                                "['\\ud800', '', '', '', '']")),
                new SchemaCase("recursive tree", """
                        {"$ref": "#/$defs/node",
                         "$defs": {"node": {"type": "object", "properties": {"value": {"type": "integer"},
                                            "children": {"type": "array", "items": {"$ref": "#/$defs/node"}, "maxItems": 3}},
                                            "required": ["value"]}}}""",
                        List.of("{'children': []}", "{'value': 1, 'children': [{}]}")),
                new SchemaCase("recursive list through definitions", """
                        {"definitions": {"cell": {"type": "object", "properties": {"head": {"type": "string", "maxLength": 3},
                                                     "tail": {"anyOf": [{"$ref": "#/definitions/cell"}, {"type": "null"}]}},
                                                     "required": ["head", "tail"]}},
                         "$ref": "#/definitions/cell"}""",
                        List.of("{'head': 'a'}", "{'head': 'a', 'tail': {'head': 'b'}}")),
                new SchemaCase("anyOf of scalars", """
                        {"anyOf": [{"type": "string", "maxLength": 3}, {"type": "integer", "minimum": 0}, {"type": "null"}]}""",
                        List.of("-1", "'abcd'", "true")),
                new SchemaCase("oneOf of disjoint objects", """
                        {"oneOf": [
                           {"type": "object", "properties": {"type": {"const": "circle"}, "radius": {"type": "number"}}, "required": ["type", "radius"]},
                           {"type": "object", "properties": {"type": {"const": "square"}, "side": {"type": "integer"}}, "required": ["type", "side"]}]}""",
                        List.of("{'type': 'circle', 'side': 1}")),
                new SchemaCase("allOf of objects", """
                        {"$defs": {"base": {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]}},
                         "allOf": [{"$ref": "#/$defs/base"},
                                   {"type": "object", "properties": {"label": {"type": "string"}}, "required": ["label"]}]}""",
                        List.of("{'id': 1}", "{'label': 'x'}")),
                new SchemaCase("list of types", """
                        {"type": "object", "properties": {"note": {"type": ["string", "null"]}, "count": {"type": ["integer", "boolean"]}},
                         "required": ["note", "count"]}""",
                        List.of("{'note': 1, 'count': 1}", "{'note': null, 'count': 1.5}")),
                new SchemaCase("additional properties allowed", """
                        {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"], "additionalProperties": true}""",
                        List.of("{'b': 1}", "{'a': 'x'}")),
                new SchemaCase("additional properties with a schema", """
                        {"type": "object", "properties": {"name": {"type": "string"}, "nick": {"type": "string"}},
                         "additionalProperties": {"type": "integer", "minimum": 0, "maximum": 9}}""",
                        List.of("{'x': 10}", "{'name': 3}", "{'nick': 3}")),
                new SchemaCase("all optional properties", """
                        {"type": "object", "properties": {"a": {"type": "boolean"}, "b": {"type": "null"}, "c": {"type": "string", "maxLength": 2}}}""",
                        List.of("{'b': null, 'a': true}", "{,}", "{'a': true,}")),
                new SchemaCase("tuple", """
                        {"type": "array", "prefixItems": [{"type": "string", "maxLength": 4}, {"type": "integer"}, {"type": "boolean"}], "minItems": 2}""",
                        List.of("['a']", "['a', 1, true, 2]", "[1, 'a']")),
                new SchemaCase("tuple then items", """
                        {"type": "array", "prefixItems": [{"const": "head"}], "items": {"type": "integer", "maximum": 0}, "minItems": 1, "maxItems": 4}""",
                        List.of("[]", "['head', 1]", "['head', 0, 0, 0, 0]")),
                new SchemaCase("dates and times", """
                        {"type": "object", "properties": {"day": {"type": "string", "format": "date"}, "at": {"type": "string", "format": "time"},
                                                          "when": {"type": "string", "format": "date-time"}},
                         "required": ["day", "at", "when"]}""",
                        List.of("{'day': '2024-02-30', 'at': '10:00:00Z', 'when': '2024-01-01T00:00:00Z'}",
                                "{'day': '2024-13-01', 'at': '10:00:00Z', 'when': '2024-01-01T00:00:00Z'}",
                                "{'day': '2024-01-01', 'at': '24:00:00Z', 'when': '2024-01-01T00:00:00Z'}")),
                new SchemaCase("identifiers", """
                        {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}, "ip": {"type": "string", "format": "ipv4"},
                                                          "mail": {"type": "string", "format": "email"}},
                         "required": ["id", "ip", "mail"]}""",
                        List.of("{'id': '123', 'ip': '1.2.3.4', 'mail': 'a@b.cd'}",
                                "{'id': '123e4567-e89b-12d3-a456-426614174000', 'ip': '256.2.3.4', 'mail': 'a@b.cd'}",
                                "{'id': '123e4567-e89b-12d3-a456-426614174000', 'ip': '1.2.3.4', 'mail': 'ab.cd'}")),
                new SchemaCase("patterns", """
                        {"type": "object", "properties": {"code": {"type": "string", "pattern": "^[A-Z]{2}-\\\\d{3}$"},
                                                          "quoted": {"type": "string", "pattern": "^\\"[a-z\\\\\\\\]+\\"é?$"}},
                         "required": ["code", "quoted"]}""",
                        List.of("{'code': 'AB-12', 'quoted': '\\'a\\''}", "{'code': 'AB-123', 'quoted': 'a'}")),
                new SchemaCase("booleans and nulls", """
                        {"type": "array", "items": {"type": ["boolean", "null"]}, "maxItems": 6}""",
                        List.of("[0]", "['true']")),
                new SchemaCase("any value", """
                        true""",
                        List.of("", "{", "[1,]", "tru", "01", "'a")),
                new SchemaCase("empty schema", """
                        {"title": "anything", "description": "no constraint at all"}""",
                        List.of("{'a' 1}", "nul")),
                new SchemaCase("pydantic model", """
                        {"$defs": {"Pet": {"properties": {"kind": {"enum": ["cat", "dog"], "title": "Kind", "type": "string"},
                                                          "name": {"title": "Name", "type": "string"}},
                                           "required": ["kind", "name"], "title": "Pet", "type": "object"}},
                         "properties": {"owner": {"title": "Owner", "type": "string"},
                                        "pets": {"items": {"$ref": "#/$defs/Pet"}, "title": "Pets", "type": "array"},
                                        "nickname": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": null, "title": "Nickname"}},
                         "required": ["owner", "pets"], "title": "Household", "type": "object"}""",
                        List.of("{'owner': 'x', 'pets': [{'kind': 'cow', 'name': 'y'}]}")));
    }
}
