package redact

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Every output stream also escapes control and bidirectional characters:
// anything printed from a manifest or a server answer (an expression, an
// attribute key, an error body) could otherwise move the cursor, erase a
// line ("\x1b[2K\x1b[1A" over "~ is_superuser = false -> true"), or reorder
// text on screen. The escape is "\uXXXX" ("\xNN" for a byte that is not
// UTF-8), which is also how JSON spells the character, so JSON output
// stays valid and decodes to the same text.

// ownEscapes are the only escape sequences passed through: the colours of
// provision's own text plan (internal/render), none of which moves the
// cursor, erases or conceals text.
var ownEscapes = []string{"\x1b[0m", "\x1b[1m", "\x1b[31m", "\x1b[32m", "\x1b[33m"}

// maxOwnEscape is the length of the longest of ownEscapes.
const maxOwnEscape = 5

// EscapeControls returns s with every control character (but newline and
// tab), every bidirectional formatting character and every byte that is
// not UTF-8 escaped; provision's own colour codes are kept.
func EscapeControls(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			if own := ownEscapeAt(s[i:]); own != "" {
				b.WriteString(own)
				i += len(own)
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f {
			return true // a control byte, or the start of a rune to look at
		}
	}
	return false
}

func ownEscapeAt(s string) string {
	for _, e := range ownEscapes {
		if strings.HasPrefix(s, e) {
			return e
		}
	}
	return ""
}

// unsafeRune reports a character a terminal acts on rather than shows:
// C0 and C1 controls and DEL (newline and tab excepted), the line and
// paragraph separators, and the bidirectional marks, embeddings,
// overrides and isolates (the "Trojan Source" characters).
func unsafeRune(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
		return true
	case r == 0x061c || r == 0x200e || r == 0x200f || r == 0x2028 || r == 0x2029:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// controlTail returns how many trailing bytes of s must wait for the next
// write to be escaped correctly: an incomplete UTF-8 character, or the
// beginning of one of provision's own colour codes.
func controlTail(s string) int {
	for n := 1; n <= maxOwnEscape-1 && n <= len(s); n++ {
		tail := s[len(s)-n:]
		if tail[0] != 0x1b {
			continue
		}
		for _, e := range ownEscapes {
			if len(e) > n && strings.HasPrefix(e, tail) {
				return n
			}
		}
	}
	for n := 1; n <= utf8.UTFMax-1 && n <= len(s); n++ {
		tail := s[len(s)-n:]
		if utf8.RuneStart(tail[0]) {
			if !utf8.FullRuneInString(tail) {
				return n
			}
			break
		}
	}
	return 0
}
