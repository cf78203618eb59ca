package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/plan"
)

func TestMarkdownGolden(t *testing.T) {
	t.Parallel()
	cases := map[string]*plan.Plan{
		"empty.md": {},
		"mixed.md": mixedPlan(),
	}
	for name, p := range cases {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, Markdown(&b, p))
			golden(t, name, b.Bytes())
		})
	}
}

func TestMarkdownMasksSecretsAndBalancesBlocks(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	require.NoError(t, Markdown(&b, mixedPlan()))
	out := b.String()
	for _, secret := range []string{"old-secret-value", "new-secret-value", "brand-new-secret"} {
		assert.NotContains(t, out, secret)
	}
	assert.Contains(t, out, Sensitive)
	assert.Equal(t, len(mixedPlan().Changes), strings.Count(out, "<details>"))
	assert.Equal(t, strings.Count(out, "<details>"), strings.Count(out, "</details>"))
	assert.NotContains(t, out, "\x1b[", "a comment has no ANSI colour")
}

func TestMarkdownEscapesHostileValues(t *testing.T) {
	t.Parallel()
	p := &plan.Plan{Changes: []plan.Change{{
		Kind: plan.KindGroup, Key: "a|b</summary><script>", Action: plan.Create,
		Fields: []plan.FieldChange{{Field: "name", After: "x\n```\n# injected"}},
	}}}
	var b bytes.Buffer
	require.NoError(t, Markdown(&b, p))
	out := b.String()
	assert.NotContains(t, out, "<script>")
	assert.Contains(t, out, `a\|b`)
	// The value holds a ``` run: the fence must be longer, so it cannot close early.
	assert.Contains(t, out, "````diff\n")
}

func TestMarkdownShowsServerCodeWholeAndWarnings(t *testing.T) {
	t.Parallel()
	before := "return {\n    \"a\": 1,\n    \"b\": 2,\n}"
	after := "return {\n    \"a\": 1,\n    \"b\": request.user.email,\n}"
	p := &plan.Plan{Changes: []plan.Change{{
		Kind: plan.KindScopeMapping, Key: "roles", Action: plan.Update,
		Warnings: []string{"users will look new"},
		Fields:   []plan.FieldChange{{Field: "expression", Before: before, After: after, RunsOnServer: true}},
	}}}
	var b bytes.Buffer
	require.NoError(t, Markdown(&b, p))
	out := b.String()
	assert.Contains(t, out, "# expression: "+ServerCodeNote)
	// Unchanged lines are shown with a space, changed ones as -/+ lines, one per source line.
	assert.Contains(t, out, "      \"a\": 1,\n-     \"b\": 2,\n+     \"b\": request.user.email,\n  }")
	assert.NotContains(t, out, `\n`, "code is not shown as one quoted line")
	assert.Contains(t, out, "! warning: users will look new")
}
