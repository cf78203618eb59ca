package kinds_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/apischema"
	"github.com/provision/provision/internal/kinds"
)

// Every descriptor's schema component exists, its key and references are
// fields of it, and each reference names a registered kind.
func TestDescriptorsMatchSchema(t *testing.T) {
	// Groups are still written by hand (internal/plan/kind_group.go);
	// descriptors name them all the same.
	names := append(kinds.Names(), "group")
	// Hand-written kinds that host children (applications) are named by
	// key too (a brand's default_application).
	for _, h := range kinds.Hosts {
		names = append(names, h.Name)
	}
	all := append(kinds.All(), kinds.ChildKinds()...)
	for _, k := range all {
		c, ok := apischema.Lookup(k.Schema)
		require.True(t, ok, "%s: %s is not in schema.yml", k.Label(), k.Schema)
		if k.Key != "" {
			_, ok := c.Field(k.Key)
			assert.True(t, ok, "%s: key %q is not a field", k.Label(), k.Key)
		}
		for _, nf := range k.NewerFields {
			// Once the API module's schema.yml has the field, the
			// descriptor must stop adding it.
			_, dup := c.Field(nf.Name)
			assert.False(t, dup, "%s: newer field %q is in schema.yml now: drop it from NewerFields", k.Label(), nf.Name)
		}
		for f, to := range k.Refs {
			_, ok := c.Field(f)
			if !ok {
				ok = slices.ContainsFunc(k.NewerFields, func(nf apischema.Field) bool { return nf.Name == f })
			}
			assert.True(t, ok, "%s: reference %q is not a field", k.Label(), f)
			assert.Contains(t, names, to, "%s: %s names kind %q, which no descriptor defines", k.Label(), f, to)
		}
		for f := range k.Defaults {
			_, ok := k.Field(f)
			assert.True(t, ok, "%s: default for %q, not a manifest field", k.Label(), f)
		}
		assert.True(t, strings.HasSuffix(k.Path, "/"), "%s: path %q needs its trailing slash", k.Label(), k.Path)
	}
}

// A new kind costs its descriptor, its emulator entry and at most one
// seed: at most 4 non-test, non-generated Go files name a stage type
// (its model's class name, its collection, or a type value such as
// "user_logout").
func TestAKindCostsFewFiles(t *testing.T) {
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	out, err := exec.Command("git", "-C", root, "ls-files", "*.go").Output()
	if err != nil {
		t.Skip("not a git checkout")
	}
	var files []string
	for _, f := range strings.Fields(string(out)) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(root, f))
		require.NoError(t, err)
		if strings.Contains(string(data), "Code generated") && strings.Contains(string(data), "DO NOT EDIT") {
			continue
		}
		files = append(files, string(data))
	}
	for _, k := range slices.Concat(kinds.InSection("stages"), kinds.InSection("policies"), kinds.InSection("sources"), kinds.InSection("property_mappings")) {
		class := strings.TrimSuffix(k.Schema, "Request")
		n := 0
		for _, src := range files {
			// A one-word type ("password") is an ordinary word elsewhere:
			// its class name and collection identify it.
			named := strings.Contains(src, class) || strings.Contains(src, k.Path) ||
				strings.Contains(k.Type, "_") && strings.Contains(src, `"`+k.Type+`"`)
			if named {
				n++
			}
		}
		limit := 4
		if k.Type == "provider_saml" {
			// SAML providers read SAML mappings by hand since before they
			// were a kind (plan.KindSAMLMapping: the client's read, its
			// permission, the plan's lookup of one a manifest declares):
			// those three files name it too, and the emulator's table
			// entry was there already.
			limit = 6
		}
		assert.LessOrEqual(t, n, limit, "the %s %s is named in %d non-test Go files", k.Type, k.Name, n)
	}
}
