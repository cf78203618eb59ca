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
