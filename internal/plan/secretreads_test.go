package plan

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/secretdigest"
)

// A plan reads a token's key only when the manifest sets it, and a changed
// key is a masked change that names the outputs apply rewrites.
func TestTokenKeyIsReadOnlyWhenDeclared(t *testing.T) {
	env := func(k string) (string, bool) { return map[string]string{"K": "new-key-0123456789"}[k], k == "K" }
	m, ds := manifest.Parse("m.yaml", []byte("version: 1\nvariables: {K: {sensitive: true}}\ntokens:\n"+
		"  - {identifier: with-key, user: akadmin, key: '${K}', outputs: {token: {file: ci.env}, k8s: {file: ci.yaml, format: kubernetes-secret}}}\n"+
		"  - {identifier: without, user: akadmin}\n  - {identifier: gone, user: akadmin, key: '${K}', state: absent}\n"), env)
	require.Empty(t, ds)
	r := ReadsFor(m)
	assert.Equal(t, []string{Ref("token", "with-key")}, r.Secrets)
	assert.True(t, r.ReadsSecret("token", "with-key"))
	assert.False(t, r.ReadsSecret("token", "without"))

	l := freshLive()
	l.Put("user", Object{PK: "7", Key: "akadmin", Fields: map[string]any{"pk": float64(7), "username": "akadmin"}})
	for _, id := range []string{"with-key", "without"} {
		l.Put("token", Object{PK: id + "-pk", Key: id, Fields: map[string]any{"identifier": id, "user": float64(7), "intent": "api", "key": secretdigest.Of("old-key-abcdef")}})
	}
	p, err := Compute(m, l)
	require.NoError(t, err)
	require.Len(t, p.Changes, 1)
	ch := p.Changes[0]
	assert.Equal(t, []string{"with-key", "update"}, []string{ch.Key, string(ch.Action)})
	require.Len(t, ch.Fields, 1)
	assert.Equal(t, "key", ch.Fields[0].Field)
	assert.True(t, ch.Fields[0].Sensitive)
	assert.Contains(t, ch.Notes, "key: changed; apply rewrites output k8s (ci.yaml), token (ci.env) with the new one")
	assert.True(t, ch.Spec.(*EntrySpec).OnlyExtra(), "the token itself is not written")

	l.Objects["token"][0].Fields["key"] = secretdigest.Of("new-key-0123456789")
	p, err = Compute(m, l)
	require.NoError(t, err)
	assert.Empty(t, p.Changes)
}

// A secret authentik returns (an SMS stage's auth) is in the snapshot as
// its digest: the same value plans nothing, another one is a rotation,
// masked on both sides, that apply sends; a write-only secret (an email
// stage's password) is never compared. Saved-plan fingerprints leave digests out:
// the process applying a saved plan has another digest key.
func TestReturnedSecretRotates(t *testing.T) {
	env := func(k string) (string, bool) {
		v, ok := map[string]string{"AUTH": "tw1l10-auth-new"}[k]
		return v, ok
	}
	m, ds := manifest.Parse("m.yaml", []byte("version: 1\nvariables: {AUTH: {sensitive: true}}\nstages:\n"+
		"  - {name: sms, type: authenticator_sms, provider: twilio, from_number: '+1', account_sid: AC, auth: '${AUTH}'}\n"), env)
	require.Empty(t, ds)
	live := func(auth string) *Live {
		l := freshLive()
		l.Put("stage", Object{Type: "authenticator_sms", PK: "sms-pk", Key: "sms", Fields: map[string]any{"pk": "sms-pk", "name": "sms",
			"provider": "twilio", "from_number": "+1", "account_sid": "AC", "auth": secretdigest.Of(auth)}})
		return l
	}
	p, err := Compute(m, live("tw1l10-auth-old"))
	require.NoError(t, err)
	require.Len(t, p.Changes, 1)
	ch := p.Changes[0]
	assert.Equal(t, []string{"sms", "update"}, []string{ch.Key, string(ch.Action)})
	assert.Equal(t, []FieldChange{{Field: "auth", Before: sensitiveMark, After: sensitiveMark, Sensitive: true}}, ch.Fields)
	assert.Contains(t, ch.Notes, rotatesNote("auth"))
	assert.Equal(t, "tw1l10-auth-new", ch.Spec.(*EntrySpec).Body["auth"], "apply sends the new value")

	p, err = Compute(m, live("tw1l10-auth-new"))
	require.NoError(t, err)
	assert.Empty(t, p.Changes, "the same secret: nothing to rotate")

	assert.Equal(t, Fingerprints(live("tw1l10-auth-old")), Fingerprints(live("tw1l10-auth-new")),
		"fingerprints hold no digest: a saved plan is applied by another process")

	wo, ds := manifest.Parse("m.yaml", []byte("version: 1\nvariables: {AUTH: {sensitive: true}}\nstages:\n"+
		"  - {name: mail, type: email, password: '${AUTH}'}\n"), env)
	require.Empty(t, ds)
	l := freshLive()
	l.Put("stage", Object{Type: "email", PK: "mail-pk", Key: "mail", Fields: map[string]any{"pk": "mail-pk", "name": "mail"}})
	p, err = Compute(wo, l)
	require.NoError(t, err)
	assert.Empty(t, p.Changes, "write-only: authentik never shows it, so a plan cannot see it change")
}
