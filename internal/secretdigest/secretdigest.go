// Package secretdigest stands in for a secret authentik returns (an SMS
// stage's auth, a RADIUS provider's shared secret, a token's key): the
// snapshot a plan reads keeps a Digest of the value instead of the value,
// and the plan compares it with the Digest of the declared value, so a
// changed sensitive variable is a rotation the plan shows, masked.
//
// A Digest is an HMAC-SHA256 under a key drawn at random when the process
// starts and never written anywhere: it cannot be tested against guesses
// offline, and it means nothing to another process. So it is never
// printed, encoded or saved: its String, JSON and YAML forms are empty
// (a saved plan's fingerprints, computed from the JSON form, are the same
// in the process that applies it).
package secretdigest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"strings"
)

// key is this process's HMAC key.
var key = func() []byte {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24)
	return b
}()

// Digest is the HMAC-SHA256 of a secret value. Digests compare with ==.
type Digest struct{ sum [sha256.Size]byte }

// Of returns the digest of a secret as authentik stores it: a string
// trimmed (DRF's CharField trims), any other value (a kubeconfig mapping)
// as JSON with its keys sorted.
func Of(v any) Digest {
	var b []byte
	switch t := v.(type) {
	case string:
		b = []byte(strings.TrimSpace(t))
	default:
		b, _ = json.Marshal(t) // decoded YAML or JSON: always encodes
	}
	m := hmac.New(sha256.New, key)
	m.Write(b)
	var d Digest
	copy(d.sum[:], m.Sum(nil))
	return d
}

// Same reports whether live (a snapshot's field: a Digest, or nil when
// authentik holds none) is the digest of value.
func Same(live any, value any) bool {
	d, ok := live.(Digest)
	return ok && d == Of(value)
}

// String hides the digest from fmt's verbs (%v, %s, %x...).
func (Digest) String() string { return "(sensitive)" }

// GoString hides it from %#v.
func (Digest) GoString() string { return "secretdigest.Digest{(sensitive)}" }

// MarshalJSON encodes it as null: no output, saved plan or fingerprint
// holds it.
func (Digest) MarshalJSON() ([]byte, error) { return []byte("null"), nil }

// MarshalYAML encodes it as null.
func (Digest) MarshalYAML() (any, error) { return nil, nil }
