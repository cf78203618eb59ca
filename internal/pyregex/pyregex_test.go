package pyregex

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Python's re accepts what RE2 refuses; the redirect URIs authentik admins
// write use it (authentik/providers/oauth2/api/providers.py compiles them
// with re).
func TestCompileAcceptsWhatPythonAccepts(t *testing.T) {
	t.Parallel()
	for _, p := range []string{
		`https://(?!evil\.)\w+\.example\.com/cb`, // lookahead
		`(?<=https://)app\.example\.com`,         // lookbehind
		`https://(?P<app>[a-z]+)\.example\.com/(?P=app)/cb`,
		`https://(a)\.example\.com/\1`,
		`https://chat\.example\.com/.*`,
	} {
		_, err := Compile(p)
		assert.NoError(t, err, p)
	}
}

func TestCompileRefusesWhatPythonRefuses(t *testing.T) {
	t.Parallel()
	for _, p := range []string{`https://(a`, `[`, `a)`, `*a`} {
		_, err := Compile(p)
		assert.Error(t, err, p)
	}
}

func TestFullMatch(t *testing.T) {
	t.Parallel()
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{`https://(?!evil\.)\w+\.example\.com/cb`, "https://chat.example.com/cb", true},
		{`https://(?!evil\.)\w+\.example\.com/cb`, "https://evil.example.com/cb", false},
		{`https://chat\.example\.com/`, "https://chat.example.com/cb", false},
		{`https://(?P<a>[a-z]+)\.example\.com/(?P=a)`, "https://x.example.com/x", true},
	}
	for _, c := range cases {
		got, err := FullMatch(c.pattern, c.s)
		assert.NoError(t, err)
		assert.Equal(t, c.want, got, "%s ~ %s", c.pattern, c.s)
	}
}

// Python 3.11+ re has possessive quantifiers and atomic groups; authentik
// 2026.2 runs 3.14. A possessive quantifier never gives back what it took.
func TestPossessiveQuantifiersAndAtomicGroups(t *testing.T) {
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{`a*+b`, "aab", true},
		{`a*+a`, "aa", false}, // a*+ keeps both a's
		{`a*a`, "aa", true},
		{`a++`, "aaa", true},
		{`x?+x`, "x", false},
		{`\d{2,3}+\d`, "1234", true},
		{`\d{2,3}+\d`, "123", false},
		{`(ab)++c`, "ababc", true},
		{`[a+]++x`, "a+ax", true},
		{`\++`, "++", true},         // one or more "+": not possessive
		{`\+++\+`, "+++", false},    // possessive run of "+" leaves none
		{`a{x}+`, "a{x}}", true},    // a literal brace: "+" quantifies "}"
		{`(?>ab|a)c`, "ac", true},   // atomic group: "a" branch
		{`(?>a|ab)c`, "abc", false}, // atomic: "a" taken, no backtrack into "ab"
		{`https://[a-z]++\.example\.com/cb`, "https://app.example.com/cb", true},
	}
	for _, c := range cases {
		got, err := FullMatch(c.pattern, c.s)
		assert.NoError(t, err, c.pattern)
		assert.Equal(t, c.want, got, "%s ~ %s", c.pattern, c.s)
	}
	for _, p := range []string{`a**`, `*+`} {
		_, err := Compile(p)
		assert.Error(t, err, p)
	}
}
