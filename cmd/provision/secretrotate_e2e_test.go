package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An SMS stage's auth token and a RADIUS provider's shared secret: authentik
// returns both in its answers, so a changed sensitive variable is a
// rotation the plan shows and apply makes.
const (
	rotateAuthOld   = "tw1l10-AUTH-ROTATE-old-0001"
	rotateAuthNew   = "tw1l10-AUTH-ROTATE-new-0002"
	rotateRadiusOld = "radius-SHARED-ROTATE-old-0003"
	rotateRadiusNew = "radius-SHARED-ROTATE-new-0004"
)

const rotateManifest = `version: 1
variables:
  SMS_AUTH: {sensitive: true}
  RADIUS_SECRET: {sensitive: true}
stages:
  - name: corp-sms
    type: authenticator_sms
    provider: twilio
    from_number: "+15550100"
    account_sid: AC0123
    auth: ${SMS_AUTH}
providers:
  - name: corp-radius
    type: radius
    shared_secret: ${RADIUS_SECRET}
`

// hexDigest is what an HMAC-SHA256 or a fingerprint looks like in text.
var hexDigest = regexp.MustCompile(`[0-9a-fA-F]{64}`)

// apply sends the secrets; a new value of the variables is a rotation,
// "(sensitive) -> (sensitive)" with a note, that apply (of a saved plan,
// with the HTTP debug log on) PATCHes with the new value; the next plan is
// empty. Neither value nor any digest appears in any output, the saved
// plan or an export, and the saved plan's fingerprints do not move with
// the secret.
func TestReturnedSecretsRotateAndAreNeverShown(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.env["SMS_AUTH"], c.env["RADIUS_SECRET"] = rotateAuthOld, rotateRadiusOld
	path := writeManifest(t, rotateManifest)
	dir := t.TempDir()
	var outs []string
	step := func(code int, args ...string) result {
		t.Helper()
		r := c.run(args...)
		require.Equal(t, code, r.code, "%v: %s%s", args, r.out, r.err)
		outs = append(outs, r.out, r.err)
		return r
	}
	step(exitOK, "apply", "-f", path, "--auto-approve")
	step(exitOK, "plan", "-f", path, "--detailed-exitcode")
	sms := url.Values{"name": {"corp-sms"}}
	radius := url.Values{"name": {"corp-radius"}}
	require.Equal(t, rotateAuthOld, wireOne(t, c, "stages/authenticator/sms/", sms)["auth"])
	require.Equal(t, rotateRadiusOld, wireOne(t, c, "providers/radius/", radius)["shared_secret"])
	before := filepath.Join(dir, "before.json")
	step(exitOK, "plan", "-f", path, "--out", before)

	c.env["SMS_AUTH"], c.env["RADIUS_SECRET"] = rotateAuthNew, rotateRadiusNew
	text := step(exitChanges, "plan", "-f", path, "--detailed-exitcode")
	assert.Contains(t, text.out, "~ auth = (sensitive) -> (sensitive)")
	assert.Contains(t, text.out, "~ shared_secret = (sensitive) -> (sensitive)")
	assert.Contains(t, text.out, "auth: rotates")
	changes := planJSON(t, step(exitOK, "plan", "-f", path, "-o", "json").out)
	require.Len(t, changes, 2)
	for _, ch := range changes {
		assert.Equal(t, "update", ch.Action, ch.Key)
		require.Len(t, ch.Fields, 1, ch.Key)
		assert.Nil(t, ch.Fields[0].Before)
		assert.Nil(t, ch.Fields[0].After)
	}
	step(exitOK, "plan", "-f", path, "-o", "markdown")
	saved := filepath.Join(dir, "plan.json")
	step(exitOK, "plan", "-f", path, "--out", saved)
	patches := c.emu.Count(http.MethodPatch, "/api/v3/stages/authenticator/sms/")
	step(exitOK, "apply", saved, "--debug")
	assert.Equal(t, patches+1, c.emu.Count(http.MethodPatch, "/api/v3/stages/authenticator/sms/"))
	assert.Equal(t, rotateAuthNew, wireOne(t, c, "stages/authenticator/sms/", sms)["auth"], "on the wire: the new value")
	assert.Equal(t, rotateRadiusNew, wireOne(t, c, "providers/radius/", radius)["shared_secret"])
	step(exitOK, "plan", "-f", path, "--detailed-exitcode")
	step(exitOK, "export", "--all")

	// The saved plans: neither value, and fingerprints that do not depend on
	// the secret (the live objects read before and after the rotation
	// print the same).
	printsOf := func(file string) map[string]string {
		var f struct {
			Live []struct{ Kind, Key, Sha256 string } `json:"live_objects"`
		}
		raw := mustRead(t, file)
		outs = append(outs, string(raw))
		require.NoError(t, json.Unmarshal(raw, &f))
		m := map[string]string{}
		for _, p := range f.Live {
			m[p.Kind+"/"+p.Key] = p.Sha256
		}
		return m
	}
	after := filepath.Join(dir, "after.json")
	step(exitOK, "plan", "-f", path, "--out", after)
	b, a := printsOf(before), printsOf(after)
	require.NotEmpty(t, b["stage/corp-sms"])
	assert.Equal(t, b["stage/corp-sms"], a["stage/corp-sms"], "the fingerprint holds no digest of the secret")
	printsOf(saved)

	all := strings.Join(outs, "\n")
	for _, secret := range []string{rotateAuthOld, rotateAuthNew, rotateRadiusOld, rotateRadiusNew, "ROTATE"} {
		assert.NotContains(t, all, secret)
	}
	for i, o := range outs {
		if !strings.Contains(o, `"live_objects"`) { // fingerprints are SHA-256s
			assert.Empty(t, hexDigest.FindAllString(o, -1), "output %d holds a digest", i)
		}
	}
}
