package pyexpr

import "testing"

// The expected messages are what CPython's compile() gives for the source
// authentik's BaseEvaluator.wrap_expression builds
// (authentik/lib/expression/evaluator.py), compiled under the file name
// "None" (PropertyMappingEvaluator on create has no model, so its file
// name is str(None)). "" means CPython compiles it.
func TestCheckExpressionMatchesCPython(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ expr, want string }{
		// generated from CPython 3.11 compile() of the wrapped source
		{"return {\"a\": 1", "'{' was never closed (None, line 2)"},
		{"return {\"a\": 1}}", "unmatched '}' (None, line 2)"},
		{"return [1, 2)", "closing parenthesis ')' does not match opening parenthesis '[' (None, line 2)"},
		{"return (1,\n 2]", "closing parenthesis ']' does not match opening parenthesis '(' on line 2 (None, line 3)"},
		{"if x:\nreturn 1", "expected an indented block after 'if' statement on line 2 (None, line 3)"},
		{"if x\n    return 1", "expected ':' (None, line 2)"},
		{"x = 1\n  y = 2", "unexpected indent (None, line 3)"},
		{"if x:\n        a = 1\n    b = 2", "unindent does not match any outer indentation level (None, line 4)"},
		{"return 'abc", "unterminated string literal (detected at line 2) (None, line 2)"},
		{"return '''abc", "unterminated triple-quoted string literal (detected at line 3) (None, line 2)"},
		{"# only a comment", "expected an indented block after function definition on line 1 (None, line 3)"},
		{"return", ""},
		{"{\"a\": 1}", ""},
		{"if x:", "expected an indented block after 'if' statement on line 2 (None, line 3)"},
		{"for a in b:\n# c\n  pass", ""},
		{"x = f(1,\n  2)", ""},
		{"return \"a\\\" b\"", ""},
		{"x = 1 \\ y", "unexpected character after line continuation character (None, line 2)"},
		{"x = 1 \\\n + 2", ""},
		{"def f(\n):\n  return 1\nreturn f()", ""},
		{"return {'a': [1, 2, (3, 4)]}", ""},
		{"try:\n  pass\nexcept Exception\n  pass", "expected ':' (None, line 4)"},
		{"while True\n  pass", "expected ':' (None, line 2)"},
		{"class A:\n  pass", ""},
		{"return x if y else z", ""},
		{"return 1\u0000", "source code string cannot contain null bytes"},
		{"x = (1\n", "'(' was never closed (None, line 2)"},
		{"if x: return 1\nelse: return 2", ""},
		{"return f\"{x['a']}\"", ""},
		{"return ]", "unmatched ']' (None, line 2)"},
		{"return (1, 2", "'(' was never closed (None, line 2)"},
		{"if a:\n    pass\n  else:\n    pass", "unindent does not match any outer indentation level (None, line 4)"},
		{"\tx = 1\n        y = 2", "unexpected indent (None, line 3)"},
		{"x = 1\n\n    \ny = 2", ""},
		{"x = [\n1,\n  2,\n]\nreturn x", ""},
		{"return '''a\nb'''", ""},
		{"lambda: 1", ""},
		{"return {\n  'a': 1\n", "'{' was never closed (None, line 2)"},
		{"def f():\nreturn 1", "expected an indented block after function definition on line 2 (None, line 3)"},
		{"return [x for x in y", "'[' was never closed (None, line 2)"},
		{"x = 1\n  # indented comment\ny = 2", ""},
		{"if x: \\\n  pass", ""},
		{"return \"abc\\\ndef\"", ""},
		{"if x:  # comment\n    return 1", ""},
		{"with open(f) as g:\n    pass", ""},
		{"async def f():\n    pass", ""},
		{"if (n := 1):\n    return n", ""},
		{"return r'\\'", "unterminated string literal (detected at line 2) (None, line 2)"},
		{"return {\"k\": lambda: 1}", ""},
		{"x = {\n  \"a\": 1,\n}\nif x[\"a\"]:\n    return x\nelse:\n    return None", ""},
		{"return request.user.username", ""},
		{"return {'groups': [g.name for g in request.user.ak_groups.all()]}", ""},
		{"def f(x) -> int:\n    return x\nreturn f(1)", ""},
		{"if x:\n    pass\nelif y\n    pass", "expected ':' (None, line 4)"},
		{"try:\nexcept E:\n  pass", "expected an indented block after 'try' statement on line 2 (None, line 3)"},
		{"return 'a' 'b'", ""},
		{"x = \"\"\"\n  doc\n\"\"\"\nreturn x", ""},
		{"return \"\\\\\"", ""},
		{"x = 1;  y = 2\nreturn x", ""},
	} {
		got := ""
		if err := CheckExpression(tc.expr); err != nil {
			got = err.Format("None")
		}
		if got != tc.want {
			t.Errorf("CheckExpression(%q)\n got %q\nwant %q", tc.expr, got, tc.want)
		}
	}
}

// Known gaps: these are syntax errors for CPython, but the checker only
// looks at tokens and indentation, so it lets them through. The server
// still rejects them.
func TestCheckExpressionKnownGaps(t *testing.T) {
	t.Parallel()
	for _, expr := range []string{
		"x = = 1",         // invalid syntax
		"else:\n    pass", // else without if: invalid syntax
		"x = (a\n  b)",    // invalid syntax. Perhaps you forgot a comma?
		"return f'{'",     // f-string: expecting '}'
	} {
		if err := CheckExpression(expr); err != nil {
			t.Errorf("CheckExpression(%q) = %v; the gap is documented, update FIDELITY.md if it closed", expr, err)
		}
	}
}

func TestErrorFormat(t *testing.T) {
	t.Parallel()
	e := &Error{Kind: "SyntaxError", Msg: "invalid syntax", Line: 3}
	if got := e.Format("my mapping"); got != "invalid syntax (my mapping, line 3)" {
		t.Errorf("Format = %q", got)
	}
	if got := (&Error{Msg: "source code string cannot contain null bytes"}).Format("x"); got != "source code string cannot contain null bytes" {
		t.Errorf("Format without line = %q", got)
	}
}
