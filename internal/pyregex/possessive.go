package pyregex

import "strings"

// possessive rewrites Python's possessive quantifiers (re, Python 3.11+:
// X*+, X++, X?+, X{m,n}+), which regexp2's .NET syntax refuses, into the
// atomic groups they mean: (?>X*), (?>X+), … . It scans the pattern the way
// sre_parse does as far as atoms go (escapes, character classes, groups);
// anything it cannot place is left for regexp2 to accept or refuse.
func possessive(p string) string {
	open := map[int]int{}   // index -> how many "(?>" to insert before it
	close := map[int]bool{} // index of a possessive "+" to replace by ")"
	var groups []int        // start index of each open group
	atom := -1              // start of the last complete atom, -1 when none
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c == '\\':
			atom = i
			i += 2
			continue
		case c == '[':
			atom = i
			i = classEnd(p, i)
			continue
		case c == '(':
			groups = append(groups, i)
			atom = -1
			i++
			if i < len(p) && p[i] == '?' {
				i++ // a group prefix, not a quantifier
			}
			continue
		case c == ')':
			if n := len(groups); n > 0 {
				atom = groups[n-1]
				groups = groups[:n-1]
			} else {
				atom = -1
			}
			i++
			continue
		case c == '|' || c == '^' || c == '$':
			atom = -1
			i++
			continue
		case c == '*' || c == '+' || c == '?' || (c == '{' && braceQuant(p, i) > 0):
			end := i + 1
			if c == '{' {
				end = braceQuant(p, i)
			}
			if atom >= 0 && end < len(p) && p[end] == '+' {
				open[atom]++
				close[end] = true
				end++
			} else if end < len(p) && p[end] == '?' {
				end++ // lazy
			}
			atom = -1
			i = end
			continue
		default:
			atom = i
			i++
		}
	}
	if len(close) == 0 {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		b.WriteString(strings.Repeat("(?>", open[i]))
		if close[i] {
			b.WriteByte(')')
			continue
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

// classEnd returns the index just past the character class starting at
// p[i] == '[' (a "]" first, or after "^", is a literal), or len(p).
func classEnd(p string, i int) int {
	j := i + 1
	if j < len(p) && p[j] == '^' {
		j++
	}
	if j < len(p) && p[j] == ']' {
		j++
	}
	for j < len(p) {
		switch p[j] {
		case '\\':
			j += 2
			continue
		case ']':
			return j + 1
		}
		j++
	}
	return len(p)
}

// braceQuant returns the index just past a {m}, {m,}, {,n} or {m,n}
// quantifier starting at p[i] == '{', or 0 when it is a literal brace.
func braceQuant(p string, i int) int {
	j := i + 1
	digits := 0
	for j < len(p) && p[j] >= '0' && p[j] <= '9' {
		j++
		digits++
	}
	if j < len(p) && p[j] == ',' {
		j++
		for j < len(p) && p[j] >= '0' && p[j] <= '9' {
			j++
			digits++
		}
	}
	if j < len(p) && p[j] == '}' && digits > 0 {
		return j + 1
	}
	return 0
}
