package plan

import (
	"fmt"

	"github.com/provision/provision/internal/suggest"
)

// "Did you mean" hints for references that resolve to nothing.

// didYouMean is "; did you mean %q?" for the candidate closest to want,
// or "" when none is a plausible typo, or when want shows a sensitive
// value (manifest.ShowsSensitive).
func (c *computer) didYouMean(want string, candidates []string) string {
	if c.m.ShowsSensitive(want) {
		return ""
	}
	if s := suggest.Closest(want, candidates); s != "" && s != want {
		return fmt.Sprintf("; did you mean %q?", s)
	}
	return ""
}

// keysOf lists the keys of live objects.
func keysOf[T any](items []T, key func(*T) string) []string {
	out := make([]string, 0, len(items))
	for i := range items {
		out = append(out, key(&items[i]))
	}
	return out
}

// scopeNames are the scope names a provider's scopes may use: live scope
// mappings' and the manifest's present ones.
func (c *computer) scopeNames() []string {
	var out []string
	for _, s := range c.scopeMappings {
		out = append(out, s.ScopeName)
	}
	for _, d := range c.m.EntriesOf(string(KindScopeMapping)) {
		if !d.State.IsAbsent() {
			out = append(out, str(d.Fields["scope_name"]))
		}
	}
	return out
}
