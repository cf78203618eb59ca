// Package pyexpr finds the common syntax errors CPython's compile() reports
// for authentik expressions (property mappings, expression policies), with
// CPython's messages and line numbers.
//
// authentik compiles an expression on save (authentik/lib/expression/
// evaluator.py, BaseEvaluator.validate at version/2026.2.2): it wraps it as
//
//	def handler(<context names>):
//	    <expression, indented by textwrap.indent>
//	result = handler(<context names>)
//
// and turns a SyntaxError or ValueError into "Expression Syntax Error:
// <str(exc)>". So `return` is allowed anywhere a function allows it, a body
// without `return` is valid (it evaluates to None), and user line N is line
// N+1 of the compiled source.
//
// The checker works on tokens and indentation only. It finds: unbalanced,
// unmatched and mismatched brackets; unterminated string literals (single
// and triple quoted); a backslash continuation followed by other text;
// unexpected indents, dedents to no outer level and compound statements
// (if/elif/else/for/while/with/try/except/finally/def/class) without an
// indented block or without their ':'; null bytes. It does not parse the
// expression grammar: `x = = 1`, a stray `else:`, bad f-string contents,
// TabError and the like pass here but fail on the server. Anything it
// reports, CPython (checked with 3.11; authentik 2026.2 runs 3.14) reports
// too, with the same message. It has no dependencies, so the client side can
// use the same rules.
package pyexpr

import (
	"fmt"
	"strings"
)

// Error is a SyntaxError (or IndentationError) as CPython raises it.
type Error struct {
	Kind string // "SyntaxError" or "IndentationError"
	Msg  string
	Line int // 1-based line in the compiled source; 0 when CPython gives none
}

// Format is str(exc) for a source compiled under this file name:
// "msg (filename, line N)", or just msg without a location.
func (e *Error) Format(filename string) string {
	if e.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("%s (%s, line %d)", e.Msg, filename, e.Line)
}

func (e *Error) Error() string { return e.Kind + ": " + e.Format("<string>") }

// WrapFunctionBody is BaseEvaluator.wrap_expression with no context names.
func WrapFunctionBody(body string) string {
	return "def handler():\n" + indent(body, "    ") + "\nresult = handler()"
}

// indent is textwrap.indent: prefix every line that is not whitespace only.
func indent(s, prefix string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		if strings.TrimSpace(line) != "" {
			b.WriteString(prefix)
		}
		b.WriteString(line)
	}
	return b.String()
}

// CheckExpression checks an authentik expression as BaseEvaluator.validate
// compiles it. Line numbers refer to the wrapped source (user line + 1).
func CheckExpression(expr string) *Error { return Check(WrapFunctionBody(expr)) }

var compoundKinds = map[string]string{
	"if": "'if' statement", "elif": "'elif' statement", "else": "'else' statement",
	"for": "'for' statement", "while": "'while' statement", "with": "'with' statement",
	"try": "'try' statement", "except": "'except' statement", "finally": "'finally' statement",
	"def": "function definition", "class": "class definition",
}

var closerOf = map[byte]byte{')': '(', ']': '[', '}': '{'}

type bracket struct {
	ch   byte
	line int
}

func syntaxErr(line int, format string, args ...any) *Error {
	return &Error{Kind: "SyntaxError", Msg: fmt.Sprintf(format, args...), Line: line}
}

func indentErr(line int, format string, args ...any) *Error {
	return &Error{Kind: "IndentationError", Msg: fmt.Sprintf(format, args...), Line: line}
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// firstWord is the statement keyword a logical line starts with
// ("async def" counts as "def").
func firstWord(s string) string {
	i := 0
	for i < len(s) && isIdent(s[i]) {
		i++
	}
	w := s[:i]
	if w == "async" {
		return firstWord(strings.TrimLeft(s[i:], " \t\f"))
	}
	return w
}

// Check reports the first syntax error CPython would report compiling src
// as a module, or nil when the checker finds none.
func Check(src string) *Error {
	if strings.ContainsRune(src, 0) {
		return &Error{Kind: "SyntaxError", Msg: "source code string cannot contain null bytes"}
	}
	src = strings.ReplaceAll(strings.ReplaceAll(src, "\r\n", "\n"), "\r", "\n")
	lines := strings.Split(src, "\n")

	var (
		stack     []bracket
		indents   = []int{0}
		pendKind  string // a block is expected after this header ...
		pendLine  int    // ... started on this line
		quote     string // inside a string literal with this delimiter
		quoteLine int
		continued bool // the previous physical line ended in a backslash

		inLogical bool // a logical line is open
		keyword   string
		headLine  int
		colon     bool // a ':' at bracket depth 0
		lastColon bool // the last significant character was that ':'
	)

	for i, line := range lines {
		ln := i + 1
		pos := 0
		if quote == "" && len(stack) == 0 && !continued {
			col := 0
			for pos < len(line) {
				switch line[pos] {
				case ' ':
					col++
				case '\t':
					col = (col/8 + 1) * 8
				case '\f':
					col = 0
				default:
					goto measured
				}
				pos++
			}
		measured:
			rest := line[pos:]
			if rest == "" || rest[0] == '#' {
				continue // blank and comment-only lines do not count for indentation
			}
			top := indents[len(indents)-1]
			switch {
			case pendKind != "":
				if col <= top {
					return indentErr(ln, "expected an indented block after %s on line %d", pendKind, pendLine)
				}
				indents = append(indents, col)
				pendKind = ""
			case col > top:
				return indentErr(ln, "unexpected indent")
			case col < top:
				for col < indents[len(indents)-1] {
					indents = indents[:len(indents)-1]
				}
				if col != indents[len(indents)-1] {
					return indentErr(ln, "unindent does not match any outer indentation level")
				}
			}
			inLogical, keyword, headLine, colon, lastColon = true, firstWord(rest), ln, false, false
		}
		continued = false
		for pos < len(line) {
			if quote != "" {
				end := scanString(line, pos, quote)
				if end < 0 { // runs past this line
					if len(quote) == 1 && !strings.HasSuffix(line, `\`) {
						return syntaxErr(quoteLine, "unterminated string literal (detected at line %d)", ln)
					}
					pos = len(line)
					break
				}
				pos, quote = end, ""
				lastColon = false
				continue
			}
			c := line[pos]
			switch {
			case c == '#':
				pos = len(line)
				continue
			case c == '"' || c == '\'':
				quote, quoteLine = string(c), ln
				if strings.HasPrefix(line[pos:], strings.Repeat(string(c), 3)) {
					quote = strings.Repeat(string(c), 3)
				}
				pos += len(quote)
				continue
			case c == '\\':
				if pos == len(line)-1 {
					continued = true
				} else {
					return syntaxErr(ln, "unexpected character after line continuation character")
				}
			case c == '(' || c == '[' || c == '{':
				stack = append(stack, bracket{c, ln})
			case c == ')' || c == ']' || c == '}':
				if len(stack) == 0 {
					return syntaxErr(ln, "unmatched '%c'", c)
				}
				open := stack[len(stack)-1]
				if open.ch != closerOf[c] {
					if open.line != ln {
						return syntaxErr(ln, "closing parenthesis '%c' does not match opening parenthesis '%c' on line %d", c, open.ch, open.line)
					}
					return syntaxErr(ln, "closing parenthesis '%c' does not match opening parenthesis '%c'", c, open.ch)
				}
				stack = stack[:len(stack)-1]
			case c == ':' && len(stack) == 0 && !strings.HasPrefix(line[pos:], ":="):
				colon, lastColon = true, true
				pos++
				continue
			case c == ' ' || c == '\t' || c == '\f':
				pos++
				continue
			}
			lastColon = false
			pos++
		}
		if inLogical && quote == "" && len(stack) == 0 && !continued {
			inLogical = false
			if kind, ok := compoundKinds[keyword]; ok {
				if !colon {
					return syntaxErr(ln, "expected ':'")
				}
				if lastColon {
					pendKind, pendLine = kind, headLine
				}
			}
		}
	}
	switch {
	case len(quote) == 3:
		return syntaxErr(quoteLine, "unterminated triple-quoted string literal (detected at line %d)", len(lines))
	case quote != "":
		return syntaxErr(quoteLine, "unterminated string literal (detected at line %d)", quoteLine)
	case len(stack) > 0:
		open := stack[len(stack)-1]
		return syntaxErr(open.line, "'%c' was never closed", open.ch)
	case pendKind != "":
		return indentErr(len(lines)+1, "expected an indented block after %s on line %d", pendKind, pendLine)
	}
	return nil
}

// scanString returns the index just past the closing quote of a literal
// that continues at line[pos:], or -1 if it does not close on this line.
// A backslash always protects the next character, in raw strings too.
func scanString(line string, pos int, quote string) int {
	for pos < len(line) {
		if line[pos] == '\\' {
			pos += 2
			continue
		}
		if strings.HasPrefix(line[pos:], quote) {
			return pos + len(quote)
		}
		pos++
	}
	return -1
}
