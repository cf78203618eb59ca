package dotenv

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// lineRE is dotenv 16.4.7's LINE regexp (lib/main.js):
//
//	(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)   (flags mg)
//
// translated to Go's RE2 syntax, which chooses the same match as
// JavaScript's backtracking engine: \s and . get JavaScript's meaning,
// the leading ^ is handled by trying only line starts (see scan), and the
// trailing $ consumes the line terminator in group 4 instead of looking
// ahead (equivalent, since it is the last item). Groups: 1 key, 2 separator,
// 3 raw value, 4 terminator.
var lineRE = func() *regexp.Regexp {
	const s = `[\t\n\v\f\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}]`
	const dot = `[^\n\r\x{2028}\x{2029}]`
	re := `\A` + s + `*(?:export` + s + `+)?([\w.-]+)(` + s + `*=` + s + `*?|:` + s + `+?)` +
		`(` + s + `*'(?:\\'|[^'])*'|` + s + `*"(?:\\"|[^"])*"|` + s + "*`(?:\\\\`|[^`])*`" + `|[^#\r\n]+)?` +
		s + `*(?:#` + dot + `*)?(\n|\x{2028}|\x{2029}|\z)`
	return regexp.MustCompile(re)
}()

// assignment is one match of lineRE. Offsets are into the normalized text.
type assignment struct {
	start    int // where the match starts (a line start)
	keyStart int
	valueEnd int // end of the raw value, or of the separator when there is none
	end      int // where the terminator starts
	key      string
	value    string // as dotenv returns it
}

// Parse returns the variables data sets, read exactly as dotenv 16.4.7's
// parse does (the last assignment of a key wins; lines it cannot read are
// skipped). Unlike dotenv, which would silently replace invalid bytes with
// U+FFFD, it refuses data that is not UTF-8.
func Parse(data []byte) (map[string]string, error) {
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("not a UTF-8 text file (invalid byte at offset %d)", invalidAt(data))
	}
	text, _ := normalize(data)
	out := map[string]string{}
	for _, a := range scan(text) {
		if a.key == "__proto__" {
			continue // dotenv's obj[key] = value ignores it
		}
		out[a.key] = a.value
	}
	return out, nil
}

// Lookup returns the value dotenv would give key in data. It reports false
// when key is not set or data is not UTF-8 text.
func Lookup(data []byte, key string) (string, bool) {
	vars, err := Parse(data)
	if err != nil {
		return "", false
	}
	v, ok := vars[key]
	return v, ok
}

func invalidAt(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return -1
}

// normalize replaces \r\n and lone \r with \n, as dotenv does before
// matching. orig maps every offset of text (and len(text)) to data.
func normalize(data []byte) (text string, orig []int) {
	var b strings.Builder
	b.Grow(len(data))
	orig = make([]int, 0, len(data)+1)
	for i := 0; i < len(data); i++ {
		orig = append(orig, i)
		if data[i] == '\r' {
			b.WriteByte('\n')
			if i+1 < len(data) && data[i+1] == '\n' {
				i++
			}
			continue
		}
		b.WriteByte(data[i])
	}
	orig = append(orig, len(data))
	return b.String(), orig
}

// scan runs lineRE over text the way dotenv's exec loop does.
func scan(text string) []assignment {
	var out []assignment
	for p := 0; p < len(text); {
		if !lineStart(text, p) {
			p = nextLine(text, p)
			continue
		}
		m := lineRE.FindStringSubmatchIndex(text[p:])
		if m == nil {
			// A match at a later line start inside the whitespace run that
			// begins at p would also be one at p (\s* taking the run), so
			// skip the run: blank lines then cost linear, not quadratic, time.
			ws := strings.IndexFunc(text[p:], func(r rune) bool { return !isJSSpace(r) })
			if ws < 0 {
				break
			}
			p = nextLine(text, p+ws)
			continue
		}
		a := assignment{start: p, keyStart: p + m[2], valueEnd: p + m[5], end: p + m[8], key: text[p+m[2] : p+m[3]]}
		if m[6] >= 0 {
			a.valueEnd = p + m[7]
			a.value = cook(text[p+m[6] : p+m[7]])
		}
		out = append(out, a)
		p = a.end
	}
	return out
}

// lineStart reports whether ^ matches at p in multiline mode.
func lineStart(s string, p int) bool {
	if p == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:p])
	return isJSLineTerminator(r)
}

// lineEnd reports whether $ matches at p in multiline mode.
func lineEnd(s string, p int) bool {
	if p == len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[p:])
	return isJSLineTerminator(r)
}

// nextLine returns the offset just after the first line terminator at or
// after p, or len(s)+1 when there is none.
func nextLine(s string, p int) int {
	for i, r := range s[p:] {
		if isJSLineTerminator(r) {
			return p + i + utf8.RuneLen(r)
		}
	}
	return len(s) + 1
}

// terminatorAt returns the offset of the first line terminator at or after
// p, or len(s).
func terminatorAt(s string, p int) int {
	for i, r := range s[p:] {
		if isJSLineTerminator(r) {
			return p + i
		}
	}
	return len(s)
}

// cook turns a raw matched value into what dotenv stores: trimmed, outer
// quotes stripped (value.replace(/^(['"`])([\s\S]*)\1$/mg, '$2')), and \n,
// \r expanded when it started with a double quote.
func cook(raw string) string {
	v := strings.TrimFunc(raw, isJSSpace)
	if v == "" {
		return v
	}
	doubleQuoted := v[0] == '"'
	var b strings.Builder
	last := 0
	for p := 0; p < len(v); p++ {
		q := v[p]
		if (q != '\'' && q != '"' && q != '`') || !lineStart(v, p) {
			continue
		}
		// [\s\S]* is greedy: the closing quote is the last one that ends a line.
		for j := len(v) - 1; j > p; j-- {
			if v[j] == q && lineEnd(v, j+1) {
				b.WriteString(v[last:p])
				b.WriteString(v[p+1 : j])
				last, p = j+1, j
				break
			}
		}
	}
	b.WriteString(v[last:])
	v = b.String()
	if doubleQuoted {
		v = strings.ReplaceAll(v, `\n`, "\n")
		v = strings.ReplaceAll(v, `\r`, "\r")
	}
	return v
}
