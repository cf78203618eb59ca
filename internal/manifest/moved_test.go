package manifest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMovesAndProtectAreChecked(t *testing.T) {
	t.Parallel()
	const base = "version: 1\ngroups:\n  - name: AI Users\n    protect: true\n"
	cases := map[string]struct {
		yaml string
		want string // "" valid
	}{
		"Valid":           {base + "moved:\n  - {kind: group, from: Chat Users, to: AI Users}\n", ""},
		"UnknownKind":     {base + "moved:\n  - {kind: gruop, from: a, to: AI Users}\n", `m.yaml:6:6: moved: kind "gruop" cannot be renamed in place; did you mean "group"?`},
		"ToNotDeclared":   {base + "moved:\n  - {kind: group, from: AI Users, to: Other}\n", `moved: group "Other" is not declared in the manifest`},
		"FromDeclared":    {base + "  - name: Chat Users\nmoved:\n  - {kind: group, from: Chat Users, to: AI Users}\n", `moved: group "Chat Users" is still declared (m.yaml:5:5)`},
		"ToItself":        {base + "moved:\n  - {kind: group, from: AI Users, to: AI Users}\n", `moved: group "AI Users" is moved to itself`},
		"Twice":           {base + "moved:\n  - {kind: group, from: a, to: AI Users}\n  - {kind: group, from: b, to: AI Users}\n", `m.yaml:7:28: moved: another move has group "AI Users" as its to: too (at m.yaml:6:28); keep one of the two`},
		"NeedsBoth":       {base + "moved:\n  - {kind: group, to: AI Users}\n", "needs both from: (the old key) and to: (the new one)"},
		"ProtectedAbsent": {"version: 1\ngroups:\n  - {name: x, protect: true, state: absent}\n", `m.yaml:3:15: group "x" is protected (protect: true) and marked state: absent`},
		"ProtectNotBool":  {"version: 1\ngroups:\n  - {name: x, protect: yes please}\n", "protect: expected true or false"},
		"ProviderProtect": {"version: 1\nproviders:\n  - {name: p, type: proxy, external_host: https://p.example.com, protect: true, state: absent}\n", `provider "p" is protected`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m, ds := Parse("m.yaml", []byte(tc.yaml), func(string) (string, bool) { return "", false })
			var err error
			if len(ds) > 0 {
				err = ds.err()
			} else {
				require.NotNil(t, m)
				err = m.Validate(nil)
			}
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
