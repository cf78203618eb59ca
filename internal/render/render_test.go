package render

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/plan"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func mixedPlan() *plan.Plan {
	return &plan.Plan{Changes: []plan.Change{
		{Kind: plan.KindGroup, Key: "LibreChat Users", Action: plan.Create, Source: "m.yaml:3:5",
			Fields: []plan.FieldChange{{Field: "name", After: "LibreChat Users"}}},
		{Kind: plan.KindProvider, Key: "LibreChat", Action: plan.Update, ID: "7", Source: "m.yaml:6:5",
			Fields: []plan.FieldChange{
				{Field: "sub_mode", Before: "hashed_user_id", After: "user_email"},
				{Field: "scopes", Before: []string{}, After: []string{"email", "openid", "profile"}},
				{Field: "client_secret", Before: "old-secret-value", After: "new-secret-value", Sensitive: true},
				{Field: "include_claims_in_id_token", Before: false, After: true},
			}},
		{Kind: plan.KindProvider, Key: "Wiki", Action: plan.Create, Source: "m.yaml:12:5",
			Fields: []plan.FieldChange{{Field: "client_secret", After: "brand-new-secret", Sensitive: true}}},
		{Kind: plan.KindApplication, Key: "old-app", Action: plan.Delete, ID: "old-app", Source: "m.yaml:20:5"},
	}}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./internal/render -update to create %s", path)
	assert.Equal(t, string(want), string(got), "golden file %s (-update to rewrite)", path)
}

func TestTextGolden(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		plan  *plan.Plan
		color bool
	}{
		"empty.txt":       {&plan.Plan{}, false},
		"mixed.txt":       {mixedPlan(), false},
		"mixed-color.txt": {mixedPlan(), true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, Text(&b, tc.plan, TextOptions{Color: tc.color}))
			golden(t, name, b.Bytes())
			if !tc.color {
				assert.NotContains(t, b.String(), "\x1b[", "no colour unless asked")
			}
		})
	}
}

func TestJSONGolden(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	require.NoError(t, JSON(&b, mixedPlan()))
	golden(t, "mixed.json", b.Bytes())

	var decoded map[string]any
	require.NoError(t, json.Unmarshal(b.Bytes(), &decoded))
	assert.Equal(t, plan.FormatVersion, decoded["format_version"])
}

func TestSecretsNeverRendered(t *testing.T) {
	t.Parallel()
	var text, js bytes.Buffer
	require.NoError(t, Text(&text, mixedPlan(), TextOptions{}))
	require.NoError(t, JSON(&js, mixedPlan()))
	for _, secret := range []string{"old-secret-value", "new-secret-value", "brand-new-secret"} {
		assert.NotContains(t, text.String(), secret)
		assert.NotContains(t, js.String(), secret)
	}
	assert.Contains(t, text.String(), "client_secret              = (sensitive) -> (sensitive)")
	assert.Contains(t, js.String(), `"sensitive": true`)
}

func TestProgress(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	p := NewProgress(&b)
	now := time.Unix(0, 0)
	p.now = func() time.Time { now = now.Add(1500 * time.Millisecond); return now }
	c := &plan.Change{Kind: plan.KindProvider, Key: "LibreChat", Action: plan.Create}
	p.Started(c)
	p.Finished(c, nil)
	d := &plan.Change{Kind: plan.KindGroup, Key: "g", Action: plan.Update}
	p.Started(d)
	p.Finished(d, assert.AnError)
	assert.Equal(t, strings.Join([]string{
		`provider "LibreChat": created [1.5s]`,
		`group "g": update failed after 1.5s`, ""}, "\n"), b.String())
}

func TestOwnershipLinesInTextAndMarkdown(t *testing.T) {
	t.Parallel()
	p := &plan.Plan{Ownership: &plan.Ownership{Stack: "prod",
		Adopt:   []plan.Owned{{Kind: plan.KindApplication, Key: "wiki"}},
		Release: []plan.Released{{Owned: plan.Owned{Kind: plan.KindGroup, Key: "Staff"}, Reason: "deleted outside provision"}}}}
	var text, md strings.Builder
	require.NoError(t, Text(&text, p, TextOptions{}))
	assert.Contains(t, text.String(), `# application "wiki" will be adopted by stack "prod"`)
	assert.Contains(t, text.String(), `# group "Staff" will be released from stack "prod"'s record (deleted outside provision)`)
	require.NoError(t, Markdown(&md, p))
	assert.Contains(t, md.String(), "**Stack prod**: 1 to adopt, 1 to release.")
	assert.Contains(t, md.String(), "- application &#34;wiki&#34; will be adopted")
}
