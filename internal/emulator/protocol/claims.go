package protocol

import "strings"

// dictLiteralKeys returns the keys of a scope mapping whose whole body is
// `return {"k": …, …}` (comments and blank lines aside), in order, without
// duplicates. ok is false when the expression is anything else: the
// emulator cannot run Python, so such a mapping adds no claims.
func dictLiteralKeys(expr string) (keys []string, ok bool) {
	var lines []string
	for _, l := range strings.Split(expr, "\n") {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		lines = append(lines, l)
	}
	src := strings.TrimSpace(strings.Join(lines, "\n"))
	rest, found := strings.CutPrefix(src, "return")
	if !found || rest == "" || !isPySpace(rest[0]) {
		return nil, false
	}
	s := strings.TrimSpace(rest)
	if !strings.HasPrefix(s, "{") {
		return nil, false
	}
	depth, i := 0, 0
	expectKey := true
	seen := map[string]bool{}
	for i < len(s) {
		c := s[i]
		switch {
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
			continue
		case c == '"' || c == '\'':
			if strings.HasPrefix(s[i:], strings.Repeat(string(c), 3)) {
				return nil, false
			}
			j := i + 1
			for j < len(s) && s[j] != c {
				if s[j] == '\\' || s[j] == '\n' {
					return nil, false
				}
				j++
			}
			if j >= len(s) {
				return nil, false
			}
			if depth == 1 && expectKey {
				k := s[i+1 : j]
				rest := strings.TrimLeft(s[j+1:], " \t\n\\")
				if !strings.HasPrefix(rest, ":") {
					return nil, false
				}
				if !seen[k] {
					seen[k] = true
					keys = append(keys, k)
				}
				expectKey = false
			}
			i = j + 1
			continue
		case c == '{' || c == '[' || c == '(':
			depth++
		case c == '}' || c == ']' || c == ')':
			depth--
			if depth == 0 {
				if strings.TrimSpace(s[i+1:]) != "" || c != '}' {
					return nil, false
				}
				return keys, true
			}
		case c == ',' && depth == 1:
			expectKey = true
		case depth == 1 && expectKey && !isPySpace(c) && c != '\\':
			return nil, false // a non-literal key or **spread
		}
		i++
	}
	return nil, false
}
