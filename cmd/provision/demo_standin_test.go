package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// With several client apps, the demo starts a labelled stand-in for each
// one whose preset has a double, from the file apply just wrote for it,
// and checks each app's client half against its stand-in: no check goes
// out to the apps' real (example) hostnames.
func TestDemoStandsInForEveryAppWithADouble(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	dir := t.TempDir()
	r := c.run("demo", "--dir", dir, "--manifest", "../../manifests/three-apps.yaml")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.NotContains(t, r.out, "✗")
	assert.NotContains(t, r.out, "did not answer", "no client probe tries a real hostname")
	assert.NotRegexp(t, `The client app at https?://[^1]`, r.out, "every client half is probed on loopback")

	for _, app := range []struct{ name, slug, file string }{
		{"LibreChat", "librechat", "librechat.env"},
		{"Open WebUI", "open-webui", "open-webui.env"},
		{"Grafana", "grafana", "grafana.env"},
	} {
		t.Run(app.slug, func(t *testing.T) {
			note := regexp.MustCompile(regexp.QuoteMeta(app.name) + ` stand-in at (http://127\.0\.0\.1:\d+): a double of ` + regexp.QuoteMeta(app.name) + ` [^\n]*,\n` +
				`started with the settings in ` + regexp.QuoteMeta(dir) + `/` + regexp.QuoteMeta(app.file) + `, which point it at the emulator\. It is not ` + regexp.QuoteMeta(app.name) + `;\n`)
			m := note.FindStringSubmatch(r.out)
			require.NotNil(t, m, "%s's stand-in is labelled as not the app, and names the file it was started with:\n%s", app.name, r.out)
			url := m[1]
			assert.Contains(t, r.out, "--app "+app.slug+" --client-url "+url+"\n", "check probes the stand-in")
			for _, item := range []string{"answers", "login redirects to authentik", "client id sent", "redirect URI sent", "scope sent"} {
				assert.Regexp(t, `✓ `+regexp.QuoteMeta(app.name+": "+item)+` `, r.out)
			}
			assert.Regexp(t, `✓ `+regexp.QuoteMeta(app.name)+`: answers +`+regexp.QuoteMeta(url)+"\n", r.out)
		})
	}
	assert.Equal(t, 3, strings.Count(r.out, " stand-in at "), "one stand-in per app")
}

// demo --manifest manifests/homelab.yaml stands in for Vaultwarden, Mealie
// and Immich (Nextcloud, configured by a script, has no probe).
func TestDemoHomelab(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	dir := t.TempDir()
	r := c.run("demo", "--dir", dir, "--manifest", "../../manifests/homelab.yaml")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.NotContains(t, r.out, "✗")
	assert.NotContains(t, r.out, "did not answer")
	for _, app := range []struct{ name, file string }{{"Vaultwarden", "vaultwarden.env"}, {"Mealie", "mealie.env"}, {"Immich", "immich.json"}} {
		assert.Regexp(t, regexp.QuoteMeta(app.name)+` stand-in at http://127\.0\.0\.1:\d+: a double of `+regexp.QuoteMeta(app.name)+` [^\n]*,\nstarted with the settings in `+regexp.QuoteMeta(dir+"/"+app.file), r.out)
		assert.Contains(t, r.out, "✓ "+app.name+": login button shown")
	}
	assert.Equal(t, 3, strings.Count(r.out, " stand-in at "), "one stand-in per app with a double")
	assert.Contains(t, r.out, `no client probes for preset "nextcloud"`)
}
