package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	api "goauthentik.io/api/v3"

	"github.com/provision/provision/manifests"
)

// seedInDir copies the LibreChat manifest into a temp dir, so the .env it
// names (librechat.env) lands there; it returns the manifest and .env paths.
func seedInDir(t *testing.T) (string, string) {
	dir := t.TempDir()
	path := filepath.Join(dir, "librechat.yaml")
	require.NoError(t, os.WriteFile(path, manifests.Demo, 0o644))
	return path, filepath.Join(dir, "librechat.env")
}

// fixedRandom makes session secrets deterministic.
func fixedRandom(s *IOStreams) { s.Random = bytes.NewReader(bytes.Repeat([]byte{0xab}, 1024)) }

func TestApplyWritesLibreChatEnv(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path, envPath := seedInDir(t)
	r := c.runWith(fixedRandom, "apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, envPath+": created (11 LibreChat settings")

	info, err := os.Stat(envPath)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	data, err := os.ReadFile(envPath)
	require.NoError(t, err)
	prov, _, err := c.api().ProvidersApi.ProvidersOauth2Retrieve(context.Background(), c.emu.ProviderPK("LibreChat")).Execute()
	require.NoError(t, err)
	// The golden file has placeholders for what the emulator generates.
	got := strings.NewReplacer(c.url, "AUTHENTIK_URL", *prov.ClientId, "CLIENT_ID", *prov.ClientSecret, "CLIENT_SECRET").Replace(string(data))
	goldenFile(t, "librechat.env.golden", got)
	assert.Len(t, *prov.ClientSecret, 128)

	// A second apply changes nothing, not even the file.
	before, _ := os.Stat(envPath)
	r = c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, envPath+": unchanged")
	after, _ := os.Stat(envPath)
	assert.Equal(t, before.ModTime(), after.ModTime())
}

func TestEnvMergeKeepsTheRestOfA200LineFile(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path, envPath := seedInDir(t)
	var b strings.Builder
	b.WriteString("#=====================================================================#\n#                       LibreChat Configuration                       #\n#=====================================================================#\n\n")
	for i := 0; b.Len() == 0 || strings.Count(b.String(), "\n") < 190; i++ {
		switch i % 5 {
		case 0:
			fmt.Fprintf(&b, "# Section %d: settings that provision does not own\n", i)
		case 1:
			fmt.Fprintf(&b, "SETTING_%d=value-%d\n", i, i)
		case 2:
			fmt.Fprintf(&b, "QUOTED_%d=\"a # not a comment %d\"\n", i, i)
		case 3:
			b.WriteString("\n")
		case 4:
			fmt.Fprintf(&b, "# OPENID_SCOPE=commented-out-%d\n", i)
		}
	}
	b.WriteString("OPENID_ISSUER=https://old.example.com/stale\nOPENID_SCOPE=\"openid profile email\"\nOPENID_SESSION_SECRET=keep-this-existing-session-secret-of-enough-length\nTRAILING_SETTING=last\n")
	original := b.String()
	require.GreaterOrEqual(t, strings.Count(original, "\n"), 190)
	require.NoError(t, os.WriteFile(envPath, []byte(original), 0o644))

	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	data, err := os.ReadFile(envPath)
	require.NoError(t, err)
	merged := string(data)

	owned := map[string]bool{}
	for _, line := range strings.Split(merged, "\n") {
		if k, _, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(k, "#") && (strings.HasPrefix(k, "OPENID_") || strings.HasPrefix(k, "DOMAIN_") || k == "ALLOW_SOCIAL_LOGIN") {
			owned[k] = true
		}
	}
	// Every line that is not an owned assignment survives, in order.
	var keptOriginal, keptMerged []string
	for _, line := range strings.Split(original, "\n") {
		if k, _, ok := strings.Cut(line, "="); !ok || !owned[k] {
			keptOriginal = append(keptOriginal, line)
		}
	}
	// Keys the file lacked are appended after a blank line and a marker.
	before, _, found := strings.Cut(merged, "\n# provision: managed below\n")
	require.True(t, found)
	for _, line := range strings.Split(before, "\n") {
		if k, _, ok := strings.Cut(line, "="); !ok || !owned[k] {
			keptMerged = append(keptMerged, line)
		}
	}
	assert.Equal(t, keptOriginal, keptMerged)
	assert.Contains(t, merged, "OPENID_SCOPE=openid profile email\n", "rewritten unquoted, in place")
	assert.Contains(t, merged, "OPENID_SESSION_SECRET=keep-this-existing-session-secret-of-enough-length\n")
	assert.NotContains(t, merged, "old.example.com")
	assert.Less(t, strings.Index(merged, "OPENID_ISSUER="), strings.Index(merged, "TRAILING_SETTING"), "updated where it stood")
}

func TestSessionSecretStableAndClientSecretFollowsAuthentik(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path, envPath := seedInDir(t)
	require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)
	first, _ := os.ReadFile(envPath)

	// Someone regenerates the client secret in authentik.
	secret := strings.Repeat("n", 128)
	_, _, err := c.api().ProvidersApi.ProvidersOauth2PartialUpdate(context.Background(), c.emu.ProviderPK("LibreChat")).
		PatchedOAuth2ProviderRequest(api.PatchedOAuth2ProviderRequest{ClientSecret: &secret}).Execute()
	require.NoError(t, err)
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	second, _ := os.ReadFile(envPath)

	lookup := func(data []byte, key string) string {
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, key+"="); ok {
				return v
			}
		}
		return ""
	}
	assert.Equal(t, lookup(first, "OPENID_SESSION_SECRET"), lookup(second, "OPENID_SESSION_SECRET"))
	assert.Len(t, lookup(first, "OPENID_SESSION_SECRET"), 64)
	assert.Equal(t, secret, lookup(second, "OPENID_CLIENT_SECRET"))
	assert.NotEqual(t, lookup(first, "OPENID_CLIENT_SECRET"), lookup(second, "OPENID_CLIENT_SECRET"))
}

func TestEnvCommand(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path, _ := seedInDir(t)
	r := c.run("env", "-f", path, "--app", "librechat")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `application "librechat" does not exist in authentik yet; run apply first`)

	require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)
	c.emu.ResetLog()
	r = c.run("env", "-f", path, "--app", "librechat")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Equal(t, 0, c.emu.Writes(), "env changes nothing in authentik")
	assert.Contains(t, r.out, "OPENID_ISSUER="+c.url+"/application/o/librechat/.well-known/openid-configuration\n")
	assert.Contains(t, r.out, "OPENID_CALLBACK_URL=/oauth/openid/callback\n")

	out := filepath.Join(t.TempDir(), "other.env")
	r = c.run("env", "-f", path, "--app", "librechat", "--out", out)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Equal(t, out+": created (11 settings)\n", r.out)
	info, err := os.Stat(out)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	r = c.run("env", "-f", path, "--app", "librechat", "--out", out)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Equal(t, out+": unchanged\n", r.out)

	// A file named "-" is a file; --out - alone is standard output.
	dash := filepath.Join(t.TempDir(), "-")
	r = c.run("env", "-f", path, "--app", "librechat", "--out", dash)
	require.Equal(t, exitOK, r.code, r.err)
	info, err = os.Stat(dash)
	require.NoError(t, err, "the file named - is written")
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	r = c.run("env", "-f", path, "--app", "librechat", "--out", "-")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "OPENID_CALLBACK_URL=/oauth/openid/callback\n")

	r = c.run("env", "-f", path, "--app", "nope")
	assert.Contains(t, r.err, `no application with slug "nope"`)
}

func TestCheck(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path, _ := seedInDir(t)
	require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)
	noApp := []string{"--client-url", closedAddr(t)} // the client half: check_client_e2e_test.go
	r := c.run(append([]string{"check", "-f", path, "--app", "librechat"}, noApp...)...)
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.NotContains(t, r.out, "✗")
	assert.Contains(t, r.out, "! issuer is https", "plain http on the loopback sandbox is a warning")

	cases := map[string]struct {
		breakIt func()
		want    string
		after   func(t *testing.T) // checks what check left behind
	}{
		"SecretRotatedInAuthentik": {
			breakIt: func() {
				s := strings.Repeat("z", 128)
				_, _, err := c.api().ProvidersApi.ProvidersOauth2PartialUpdate(context.Background(), c.emu.ProviderPK("LibreChat")).
					PatchedOAuth2ProviderRequest(api.PatchedOAuth2ProviderRequest{ClientSecret: &s}).Execute()
				require.NoError(t, err)
			},
			want: "✗ client secret matches",
		},
		"RedirectURIRemoved": {
			breakIt: func() {
				_, _, err := c.api().ProvidersApi.ProvidersOauth2PartialUpdate(context.Background(), c.emu.ProviderPK("LibreChat")).
					PatchedOAuth2ProviderRequest(api.PatchedOAuth2ProviderRequest{RedirectUris: []api.RedirectURIRequest{{MatchingMode: "strict", Url: "https://elsewhere/cb"}}}).Execute()
				require.NoError(t, err)
			},
			want: "✗ redirect URI allows LibreChat's callback",
		},
		// authentik answers 400 to an authorization request whose
		// redirect_uri the provider does not allow (authorize.py).
		"RedirectURIRemovedFailsAuthorize": {
			breakIt: func() {
				_, _, err := c.api().ProvidersApi.ProvidersOauth2PartialUpdate(context.Background(), c.emu.ProviderPK("LibreChat")).
					PatchedOAuth2ProviderRequest(api.PatchedOAuth2ProviderRequest{RedirectUris: []api.RedirectURIRequest{{MatchingMode: "strict", Url: "https://elsewhere/cb"}}}).Execute()
				require.NoError(t, err)
			},
			want: "✗ authorization endpoint answers",
		},
		// No redirect URIs: authentik would save the first redirect_uri it
		// is sent, so check sends no authorization request at all.
		"NoRedirectURIsNotProbed": {
			breakIt: func() {
				_, _, err := c.api().ProvidersApi.ProvidersOauth2PartialUpdate(context.Background(), c.emu.ProviderPK("LibreChat")).
					PatchedOAuth2ProviderRequest(api.PatchedOAuth2ProviderRequest{RedirectUris: []api.RedirectURIRequest{}}).Execute()
				require.NoError(t, err)
				c.emu.ResetLog()
			},
			want: "✗ authorization endpoint answers",
			after: func(t *testing.T) {
				p, _, err := c.api().ProvidersApi.ProvidersOauth2Retrieve(context.Background(), c.emu.ProviderPK("LibreChat")).Execute()
				require.NoError(t, err)
				assert.Empty(t, p.RedirectUris, "check must not change the provider")
				assert.Zero(t, c.emu.Count("", "/application/o/authorize/"), "no authorization request")
			},
		},
		"SigningKeyRemoved": {
			breakIt: func() {
				req := api.PatchedOAuth2ProviderRequest{}
				req.SigningKey.Set(nil)
				_, _, err := c.api().ProvidersApi.ProvidersOauth2PartialUpdate(context.Background(), c.emu.ProviderPK("LibreChat")).
					PatchedOAuth2ProviderRequest(req).Execute()
				require.NoError(t, err)
			},
			want: "✓ signing algorithm advertised               HS256",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			tc.breakIt()
			r := c.run(append([]string{"check", "-f", path, "--app", "librechat"}, noApp...)...)
			assert.Contains(t, r.out, tc.want)
			if strings.HasPrefix(tc.want, "✗") {
				assert.Equal(t, exitError, r.code)
			}
			if tc.after != nil {
				tc.after(t)
			}
			require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code, "apply repairs it")
		})
	}
}
