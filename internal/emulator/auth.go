package emulator

import (
	"net/http"
	"strings"
)

type authResult int

const (
	authNone    authResult = iota // no usable credentials
	authOK                        // valid API token for akadmin
	authInvalid                   // Bearer with an unknown key
)

// authenticate mirrors authentik's TokenAuthentication: the scheme word is
// case-insensitive; any other scheme falls through to session auth (no
// credentials); an empty key counts as no credentials.
func (e *Emulator) authenticate(r *http.Request) authResult {
	h := r.Header.Get("Authorization")
	scheme, key, found := strings.Cut(h, " ")
	if !found || !strings.EqualFold(scheme, "bearer") {
		return authNone
	}
	key = strings.TrimSpace(key)
	if key == "" {
		return authNone
	}
	if key != e.token {
		return authInvalid
	}
	return authOK
}

const (
	msgNoCredentials = "Authentication credentials were not provided."
	msgTokenInvalid  = "Token invalid/expired"
	msgNoPermission  = "You do not have permission to perform this action."
)
