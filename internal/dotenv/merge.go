package dotenv

import (
	"bytes"
	"strings"
)

// Marker is the comment line Merge writes once before the keys it appends.
const Marker = "# provision: managed below"

// Merge sets vars in the .env content existing and reports whether the
// result differs from it.
//
// Every assignment dotenv reads for a key in vars is rewritten in place as
// KEY=value, keeping what precedes the key on its line (indentation, an
// "export " prefix); the rest of that assignment (old value, a quoted value's
// further lines, an inline comment) is dropped. Rewriting every occurrence,
// not only the last one (which dotenv uses), leaves no ambiguity. All other
// bytes are kept as they are: comments (a commented-out "# KEY=..." too),
// blank lines, other keys, CRLF line endings, a missing final newline.
//
// Keys not present are appended in the order given, after the Marker comment
// (written only if the content does not hold it yet), using the content's
// line ending. When vars names a key twice, the last value wins.
//
// Merge does not check keys or values; UpdateFile does (see CheckValue).
func Merge(existing []byte, vars []Var) (out []byte, changed bool) {
	values := map[string]string{}
	var order []string
	for _, v := range vars {
		if _, ok := values[v.Key]; !ok {
			order = append(order, v.Key)
		}
		values[v.Key] = v.Value
	}

	text, orig := normalize(existing)
	present := map[string]bool{}
	var b bytes.Buffer
	last := 0
	for _, a := range scan(text) {
		value, ok := values[a.key]
		if !ok {
			continue
		}
		present[a.key] = true
		from, to := orig[a.keyStart], orig[terminatorAt(text, a.valueEnd)]
		b.Write(existing[last:from])
		b.WriteString(a.key + "=" + value)
		last = to
	}
	b.Write(existing[last:])

	var missing []string
	for _, k := range order {
		if !present[k] {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		eol := lineEnding(existing)
		if b.Len() > 0 && !endsWithNewline(b.Bytes()) {
			b.WriteString(eol)
		}
		if !hasMarker(existing) {
			if b.Len() > 0 && !endsWithBlankLine(b.Bytes()) {
				b.WriteString(eol)
			}
			b.WriteString(Marker + eol)
		}
		for _, k := range missing {
			b.WriteString(k + "=" + values[k] + eol)
		}
	}
	out = b.Bytes()
	return out, !bytes.Equal(out, existing)
}

// lineEnding is "\r\n" when the content's first line ends that way, else "\n".
func lineEnding(data []byte) string {
	if i := bytes.IndexByte(data, '\n'); i > 0 && data[i-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}

func endsWithNewline(b []byte) bool {
	return len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r')
}

// endsWithBlankLine reports whether the last line of b (which ends with a
// newline) is empty.
func endsWithBlankLine(b []byte) bool {
	b = bytes.TrimSuffix(b, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\r"))
	return len(b) == 0 || endsWithNewline(b)
}

func hasMarker(data []byte) bool {
	for _, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) == Marker {
			return true
		}
	}
	return false
}
