package manifest

import (
	"strconv"
	"strings"
)

// syntaxDiagnostic turns a YAML syntax error into a diagnostic at the line
// and column of the mistake, with a hint for the common ones: a tab, a bad
// indent, a missing "- ". yaml.v3 often reports the line where the
// enclosing block starts, so the offending line is found in the text.
func syntaxDiagnostic(file string, data []byte, err error) Diagnostic {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := lineRE.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	d := Diagnostic{Pos: Position{File: file, Line: line, Column: 1}, Msg: "invalid YAML: " + msg}
	if line >= 1 && line <= len(lines) {
		d.Pos.Column = indentOf(lines[line-1]) + 1
	}
	switch {
	case strings.Contains(msg, "tab character") || strings.Contains(msg, "cannot start any token"):
		if l, col, ok := findTab(lines, line); ok {
			d.Pos.Line, d.Pos.Column = l, col
			d.Msg = "invalid YAML: a tab character; YAML indents with spaces only (replace the tab with spaces)"
		}
	case strings.Contains(msg, "did not find expected '-' indicator"):
		if l, col, hint, ok := findBadItem(lines, line); ok {
			d.Pos.Line, d.Pos.Column = l, col
			d.Msg = "invalid YAML: " + hint
		}
	case strings.Contains(msg, "mapping values are not allowed"):
		d.Msg = "invalid YAML: a key where none is allowed; this line is indented deeper than the key above it, or a value containing \": \" needs quotes"
	case strings.Contains(msg, "did not find expected key"):
		d.Msg = "invalid YAML: did not find the expected key; check this block's indentation (every key of a mapping starts in the same column)"
	}
	return d
}

func indentOf(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

// findTab finds the first tab in leading whitespace at or after line from
// (1-based), falling back to any tab from there.
func findTab(lines []string, from int) (int, int, bool) {
	if from < 1 {
		from = 1
	}
	for i := from - 1; i < len(lines); i++ {
		lead := lines[i][:len(lines[i])-len(strings.TrimLeft(lines[i], " \t"))]
		if j := strings.IndexByte(lead, '\t'); j >= 0 {
			return i + 1, j + 1, true
		}
	}
	for i := from - 1; i < len(lines); i++ {
		if j := strings.IndexByte(lines[i], '\t'); j >= 0 {
			return i + 1, j + 1, true
		}
	}
	return 0, 0, false
}

// findBadItem finds, in the list starting after line from, the first line
// that breaks it: one at the dashes' column without "- " (a missing dash),
// or one between the dashes' column and the items' keys (a bad indent).
func findBadItem(lines []string, from int) (int, int, string, bool) {
	dash := -1
	for i := from; i < len(lines); i++ { // from is 1-based: lines[from] is the next line
		s := lines[i]
		t := strings.TrimSpace(s)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		ind := indentOf(s)
		if dash < 0 {
			if !strings.HasPrefix(t, "-") {
				return 0, 0, "", false
			}
			dash = ind
			continue
		}
		rest := strings.TrimLeft(s, " ")
		switch {
		case ind < dash:
			return 0, 0, "", false
		case ind == dash && !strings.HasPrefix(rest, "-"):
			return i + 1, ind + 1, "expected a list item: add \"- \" before this entry, or indent it under the item above", true
		case ind > dash && ind < dash+2:
			return i + 1, ind + 1, "bad indentation: this line must start in the same column as the keys of the list item above", true
		}
	}
	return 0, 0, "", false
}
