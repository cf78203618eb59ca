package plan

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A generated certificate's create goes through its action; one that
// exists is never generated again; the expiry warning reads the snapshot's
// time (a fake clock here) and the live expiry.
func TestCertificateGenerateAndExpiry(t *testing.T) {
	m := load(t, "version: 1\ncertificates:\n  - name: gen\n    generate: {common_name: gen.example.com, validity_days: 90}\n")
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)

	p, err := Compute(m, &Live{Now: now})
	require.NoError(t, err)
	require.Len(t, p.Changes, 1)
	ch := p.Changes[0]
	assert.Equal(t, Create, ch.Action)
	s := ch.Spec.(*EntrySpec)
	assert.Equal(t, map[string]any{"common_name": "gen.example.com", "validity_days": int64(90), "alg": "rsa"}, s.Via)
	assert.Equal(t, map[string]any{"name": "gen"}, s.Body, "renamed to the entry's key after")

	// Live, expiring in 20 days: no change, so no warning shown; the
	// generate: mapping is never compared.
	live := &Live{Now: now}
	live.Put("certificate", Object{PK: "kp1", Key: "gen", Fields: map[string]any{"name": "gen",
		"fingerprint_sha256": "aa", "cert_expiry": now.AddDate(0, 0, 20).Format(time.RFC3339)}})
	p, err = Compute(m, live)
	require.NoError(t, err)
	assert.Empty(t, p.Changes)

	// expiryWarning itself: within 30 days, past, far.
	c := &computer{live: live}
	k := s.Kind
	f := &fields{}
	assert.Contains(t, c.expiryWarning(k, nil, f, live.Objects["certificate"][0].Fields), "in 20 days (less than 30)")
	assert.Contains(t, c.expiryWarning(k, nil, f, map[string]any{"cert_expiry": now.AddDate(0, 0, -1).Format(time.RFC3339)}), "expired on 2026-12-31")
	assert.Empty(t, c.expiryWarning(k, nil, f, map[string]any{"cert_expiry": now.AddDate(0, 0, 31).Format(time.RFC3339)}))
	assert.Empty(t, (&computer{live: &Live{}}).expiryWarning(k, nil, f, live.Objects["certificate"][0].Fields), "no time, no warning")
}

// A brand, which names its default application, is applied after
// applications, and the kinds before it keep their places; an
// application's delete does not wait for brands (authentik nulls the
// reference), so no cycle.
func TestBrandOrderAndNulledReferences(t *testing.T) {
	pos := map[Kind]int{}
	for i, k := range registry {
		pos[k.Kind] = i
	}
	assert.Greater(t, pos["brand"], pos[KindApplication])
	assert.Greater(t, pos["brand"], pos["certificate"])
	assert.Less(t, pos[KindGroup], pos[KindProvider], "groups keep their place before providers")
	assert.NotContains(t, referrerKinds()[KindApplication], Kind("brand"))
	assert.NotContains(t, referrerKinds()["certificate"], Kind("brand"))
}
