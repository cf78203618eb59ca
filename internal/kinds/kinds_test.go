package kinds_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
		if k.Schema == "" && k.Section == "" {
			continue // read only, named by references (a permission)
		}
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

// Every secret of every descriptor comes only from a sensitive variable (a
// manifest is committed, its secrets are not), and every field whose name
// says it holds a secret is one. A certificate's certificate_data is public
// (write-only in schema.yml, not secret).
func TestSecretsComeOnlyFromSensitiveVariables(t *testing.T) {
	looksSecret := regexp.MustCompile(`password$|secret|_token$|^token$|^auth$|private_key|kubeconfig|keytab|^key$|webhook_url`)
	notSecret := map[string]bool{"certificate/certificate_data": true, "authenticator_static stage/token_count": true}
	for _, k := range kinds.All() {
		for _, f := range k.Fields() {
			name := k.Label() + "/" + f.Name
			if notSecret[name] || f.Type == kinds.Bool {
				continue
			}
			if looksSecret.MatchString(f.Name) {
				assert.True(t, f.Secret, "%s looks like a secret", name)
			}
			if f.Secret {
				assert.True(t, f.SensitiveOnly, "%s is a secret that takes a literal", name)
			}
		}
	}
}

// A secret authentik returns (not writeOnly in schema.yml) is compared
// through its digest; a write-only one never is. Derived, never listed.
func TestReturnedSecretsAreCompared(t *testing.T) {
	cases := map[string]struct {
		kind, field string
		compared    bool
	}{
		"SMS auth":              {"authenticator_sms stage", "auth", true},
		"SMS auth_password":     {"authenticator_sms stage", "auth_password", true},
		"email setup password":  {"authenticator_email stage", "password", true},
		"RADIUS shared_secret":  {"radius provider", "shared_secret", true},
		"SCIM provider token":   {"scim provider", "token", true},
		"kubeconfig":            {"kubernetes service connection", "kubeconfig", true},
		"plex token":            {"plex source", "plex_token", true},
		"webhook URL":           {"notification transport", "webhook_url", true},
		"email stage password":  {"email stage", "password", false},
		"captcha private key":   {"captcha stage", "private_key", false},
		"Duo client secret":     {"authenticator_duo stage", "client_secret", false},
		"OAuth consumer secret": {"oauth source", "consumer_secret", false},
		"LDAP bind password":    {"ldap source", "bind_password", false},
		"Telegram bot token":    {"telegram source", "bot_token", false},
		"certificate key":       {"certificate", "key_data", false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var f kinds.Field
			found := false
			for _, k := range kinds.All() {
				if k.Label() == tc.kind {
					f, found = k.Field(tc.field)
				}
			}
			require.True(t, found, "%s %s", tc.kind, tc.field)
			assert.True(t, f.Secret)
			assert.Equal(t, tc.compared, f.ReadWhenDeclared)
		})
	}
}
