package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 25's attacks against the real CLI and the emulator, one test per
// finding (those not tested closer to their code; docs/security.md lists
// every promise and its test).

// Finding 4: escape codes in an expression and an attribute key cannot
// erase "~ is_superuser = false -> true" from the screen, in plan (every
// format) or in the apply prompt.
func TestControlCharactersAreEscapedInPlanAndPrompt(t *testing.T) {
	c := newCLI(t)
	path := writeManifest(t, `version: 1
groups:
  - name: admins
    is_superuser: true
    attributes:
      "x\e[2K\e[1A": 1
scope_mappings:
  - name: m
    scope_name: m
    expression: "return {}  # \e[2K\e[1A\r\u202e"
`)
	for _, args := range [][]string{
		{"plan", "-f", path},
		{"plan", "-f", path, "-o", "json"},
		{"plan", "-f", path, "-o", "markdown"},
		{"apply", "-f", path}, // no terminal: it prints the plan, then refuses
		{"validate", "-f", path},
	} {
		r := c.runWith(func(s *IOStreams) { s.StdinTTY = true; s.In = strings.NewReader("no\n") }, args...)
		for _, s := range []string{r.out, r.err} {
			assert.NotContains(t, s, "\x1b", args)
			assert.NotContains(t, s, "\r", args)
			assert.NotContains(t, s, "\u202e", args)
		}
		if args[0] == "plan" {
			assert.Contains(t, r.out, "is_superuser", args)
			assert.Contains(t, r.out, `\u001b[2K`, args)
		}
		if len(args) > 3 && args[3] == "json" {
			var v map[string]any
			require.NoError(t, json.Unmarshal([]byte(r.out), &v), "the JSON plan stays valid")
		}
	}
}
