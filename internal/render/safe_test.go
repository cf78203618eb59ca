package render

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/plan"
)

// A rename in place and a destroy's warnings, in every plan format and
// the apply prompt; owned objects not pruned and protection changes.
// (Control characters are escaped by the output streams, internal/redact.)
func TestSafeChangesInEveryFormat(t *testing.T) {
	t.Parallel()
	p := &plan.Plan{
		Changes: []plan.Change{
			{Kind: plan.KindGroup, Key: "AI Users", MovedFrom: "Chat Users", Action: plan.Update, ID: "g1",
				Fields: []plan.FieldChange{{Field: "name", Before: "Chat Users", After: "AI Users"}}},
			{Kind: plan.KindGroup, Key: "Old", Action: plan.Delete, ID: "g2", Warnings: []string{`group "Old" has 1 member, who loses the group's memberships, bindings and roles`}},
		},
		Ownership: &plan.Ownership{Stack: "s",
			Protect: []plan.Owned{{Kind: plan.KindGroup, Key: "AI Users", Protect: true}},
			Kept:    []plan.Owned{{Kind: plan.KindGroup, Key: "Other"}}},
	}
	formats := map[string]struct {
		render func(*bytes.Buffer) error
		want   []string
	}{
		"text": {func(b *bytes.Buffer) error { return Text(b, p, TextOptions{}) }, []string{
			`# group "AI Users" will be renamed from "Chat Users", in place`,
			`~ group "Chat Users" -> "AI Users" {`,
			`# warning: group "Old" has 1 member`,
			`# group "AI Users" will be protected (protect: true) in stack "s"'s record`,
			`# group "Other" is not pruned`,
		}},
		"json": {func(b *bytes.Buffer) error { return JSON(b, p) }, []string{
			`"moved_from": "Chat Users"`,
			`has 1 member`,
			`"not_pruned": [`,
			`"protect": true`,
		}},
		"markdown": {func(b *bytes.Buffer) error { return Markdown(b, p) }, []string{
			`Chat Users → AI Users`,
			`renamed from <b>Chat Users</b>, in place`,
			`! warning: group "Old" has 1 member`,
			`**Not pruned**`,
		}},
		"prompt": {func(b *bytes.Buffer) error { return DestroyWarnings(b, p) }, []string{
			"Warning: what the destroys lose:\n  - group \"Old\": group \"Old\" has 1 member",
		}},
	}
	for name, f := range formats {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			require.NoError(t, f.render(&b))
			for _, w := range f.want {
				assert.Contains(t, b.String(), w)
			}
		})
	}
}
