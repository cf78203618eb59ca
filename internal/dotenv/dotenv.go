// Package dotenv reads, merges and atomically writes .env files the way
// Node.js applications read them: with dotenv 16.4.7's parser (Parse, Lookup). It checks
// that a value can be written unquoted and read back exactly (CheckValue),
// updates the keys provision owns in place while keeping every other byte
// (Merge), and replaces the file atomically with mode 0600 (UpdateFile,
// through internal/atomicfile).
package dotenv

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Var is one KEY=value line provision writes. Secret values are never shown:
// String redacts them and no error of this package includes any value.
type Var struct {
	Key    string
	Value  string
	Secret bool
}

// String returns KEY=value, with the value of a secret replaced by <redacted>.
func (v Var) String() string {
	if v.Secret {
		return v.Key + "=<redacted>"
	}
	return v.Key + "=" + v.Value
}

var keyRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// CheckKey reports whether key is a plain environment variable name.
func CheckKey(key string) error {
	if !keyRE.MatchString(key) {
		return fmt.Errorf("%q is not a valid .env key: it must match [A-Za-z_][A-Za-z0-9_]*", key)
	}
	if key == "__proto__" {
		return fmt.Errorf("%q is not a usable .env key: dotenv drops it", key)
	}
	return nil
}

// CheckValue reports whether KEY=value can be written unquoted so that
// dotenv 16 (Node.js apps), docker --env-file and Compose's env_file all read
// back exactly value. The empty value is fine. The error names the key and
// the reason, never the value, which may be a secret.
func CheckValue(key, value string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	reason := ""
	switch {
	case !utf8.ValidString(value):
		reason = "is not valid UTF-8"
	case strings.ContainsAny(value, "\r\n"):
		reason = "contains a line break, which would end the line"
	case strings.ContainsAny(value, "\u2028\u2029"):
		reason = "contains a Unicode line separator (U+2028/U+2029), which dotenv treats as a line break"
	case strings.IndexFunc(value, unicode.IsControl) >= 0:
		reason = "contains a control character (such as a tab)"
	case strings.Contains(value, "#"):
		reason = "contains '#', which dotenv reads as the start of a comment in an unquoted value"
	case strings.Contains(value, "$"):
		reason = "contains '$', which Docker Compose's env_file would expand as a variable"
	case value != strings.TrimFunc(value, isJSSpace):
		reason = "starts or ends with whitespace, which dotenv trims"
	case value != "" && strings.ContainsRune("'\"`", rune(value[0])):
		reason = "starts with a quote character, which dotenv strips or reads as the start of a quoted value"
	default:
		return nil
	}
	return fmt.Errorf("the value of %s cannot be written to a .env file unquoted: it %s", key, reason)
}

// isJSSpace reports whether r is whitespace or a line terminator for
// JavaScript (the \s class and String.prototype.trim).
func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

// isJSLineTerminator reports whether r ends a line for a JavaScript regexp
// (^, $ and . in multiline mode).
func isJSLineTerminator(r rune) bool {
	return r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029
}
