package manifest

import (
	"strings"
	"sync"

	"github.com/provision/provision/internal/kinds"
)

// The one table of how a field's value may be filled and shown, by field
// name. Kinds mark their fields by name here (and a kind descriptor's field
// flag maps onto these classes), never by a switch of their own: plans
// (internal/plan/annotate.go) and substitution (variables.go) both read it.

// FieldClass says what a field may hold and how plans show it.
type FieldClass int

const (
	// Ordinary fields may hold a sensitive variable; a plan masks the
	// field's value when it shows one.
	Ordinary FieldClass = iota
	// Public fields are seen by everyone: end users (names, the
	// application library, login and consent pages), every browser (a
	// client id, a SAML issuer or audience, URLs, redirect URIs). A
	// sensitive variable is refused there: a plan could mask it, but
	// authentik would show it to anyone. Plans show them whole.
	Public
	// ServerCode fields hold code that runs on the authentik server (a
	// Python expression). A sensitive variable is refused there, and plans
	// show them whole and flag them for review, so nothing a manifest
	// declares can hide code from the reviewer.
	ServerCode
)

// publicKeys are the Public fields by name (besides the suffixes and the
// meta_ prefix in ClassOf). References are names, so the keys that name
// other objects are public too: a sensitive value there could only be a
// name, and "did you mean" hints would print near copies of it.
var publicKeys = map[string]bool{
	"name": true, "slug": true, "description": true, "group": true, "title": true,
	"client_id": true, "issuer": true, "audience": true,
	"url": true, "redirect_uris": true, "acs_url": true, "sls_url": true, "public_url": true,
	"external_host": true, "internal_host": true, "cookie_domain": true, "base_dn": true,
	"scope_name": true, "scopes": true, "groups": true, "provider": true, "providers": true,
	"property_mappings": true, "name_id_mapping": true,
	"signing_key": true, "signing_kp": true, "verification_kp": true, "encryption_kp": true,
	"stack": true,
}

// publicSuffixes mark URLs, hosts, flows and group references by name.
var publicSuffixes = []string{"_url", "_uri", "_uris", "_host", "_flow", "_group"}

// serverCodeKeys are the ServerCode fields by name: expressions, and
// every field a kind descriptor flags as code (kinds.Kind.Code: a prompt's
// placeholder and initial_value), so a new kind needs no line here.
var serverCodeKeys = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{"expression": true}
	var add func(k *kinds.Kind)
	add = func(k *kinds.Kind) {
		for _, f := range k.Code {
			out[f] = true
		}
		for _, c := range k.Children {
			add(c.Kind)
		}
	}
	for _, k := range kinds.All() {
		add(k)
	}
	return out
})

// ClassOf returns the class of a field, named by its key (the last
// component of a plan field path such as "attributes.x" is not a key of
// the kind: free-form keys are Ordinary).
func ClassOf(key string) FieldClass {
	switch {
	case sensitiveOnlyKeys()[key]:
		return Ordinary
	case serverCodeKeys()[key]:
		return ServerCode
	case publicKeys[key] || strings.HasPrefix(key, "meta_"):
		return Public
	}
	for _, s := range publicSuffixes {
		if strings.HasSuffix(key, s) {
			return Public
		}
	}
	return Ordinary
}

// sensitiveOnlyKeys are the fields a kind descriptor takes only from a
// sensitive variable (kinds.Kind.SensitiveOnly): Ordinary whatever their
// name says, as a webhook URL that carries its token (webhook_url).
var sensitiveOnlyKeys = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{}
	for _, k := range kinds.All() {
		for _, f := range k.SensitiveOnly {
			out[f] = true
		}
	}
	return out
})

// ShownWhole reports whether plans show a field's value whole, never
// masked as a field: public fields and server code (a real secret inside
// one is still masked where it appears, by value).
func ShownWhole(key string) bool { return ClassOf(key) != Ordinary }

// ShowsSensitive reports whether s contains the value of a sensitive
// variable. "Did you mean" hints are left out for such a value: a hint is
// a near copy of what it was given, so a guess one character off a secret
// would print the secret (an oracle), mask or no mask.
func (m *Manifest) ShowsSensitive(s string) bool {
	if m == nil {
		return false
	}
	for v := range m.sensitive {
		if v != "" && strings.Contains(s, v) {
			return true
		}
	}
	return false
}

// sensitiveRefusal is why a sensitive variable cannot go into key, or ""
// when it can.
func sensitiveRefusal(key string) string {
	switch ClassOf(key) {
	case ServerCode:
		return "an " + key + " is code that runs on the authentik server, which plans show whole for review; read secrets in the expression from elsewhere (a group attribute)"
	case Public:
		return "authentik shows " + key + " to end users or browsers; use it only in fields such as client_secret"
	}
	return ""
}
