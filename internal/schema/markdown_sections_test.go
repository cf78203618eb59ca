package schema

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Each kind's table appears once in docs/manifest.md, and only list
// sections are described as "Each entry of" (issue 11's field reference).
func TestMarkdownHasEachSectionOnce(t *testing.T) {
	t.Parallel()
	md := string(Markdown())
	seen := map[string]int{}
	for _, m := range regexp.MustCompile(`(?m)^## (.+)$`).FindAllStringSubmatch(md, -1) {
		seen[m[1]]++
	}
	for name, n := range seen {
		assert.Equal(t, 1, n, "section %q appears %d times", name, n)
	}
	assert.False(t, strings.Contains(md, "Each entry of `authentik`"), "authentik: is a mapping, not a list")
	assert.True(t, strings.Contains(md, "## AuthentikSettings\n\nThe `authentik` section."))
}
