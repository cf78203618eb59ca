package emulator

import (
	"fmt"
	"net/http"
	"strings"
)

type authResult int

const (
	authNone    authResult = iota // no usable credentials
	authOK                        // valid API token
	authInvalid                   // Bearer with an unknown key
)

// authenticate mirrors authentik's TokenAuthentication: the scheme word is
// case-insensitive; any other scheme falls through to session auth (no
// credentials); an empty key counts as no credentials.
// It also returns the token's user (0 unless authOK). Called with e.mu held.
func (e *Emulator) authenticate(r *http.Request) (authResult, int32) {
	h := r.Header.Get("Authorization")
	scheme, key, found := strings.Cut(h, " ")
	if !found || !strings.EqualFold(scheme, "bearer") {
		return authNone, 0
	}
	key = strings.TrimSpace(key)
	if key == "" {
		return authNone, 0
	}
	if key == e.token {
		return authOK, e.st.AdminPK
	}
	if pk, ok := e.userTokens[key]; ok {
		return authOK, pk
	}
	if pk, ok := e.st.TokenUser(key); ok {
		return authOK, pk
	}
	return authInvalid, 0
}

// AddUserToken creates a user who is not a superuser and returns an API
// token for it. The emulator grants such users every model permission (as
// an RBAC role could), so they can list and write everything; what differs
// is what authentik does differently for non-superusers, e.g. the
// application list ignores superuser_full_list and hides applications the
// user may not access.
func (e *Emulator) AddUserToken(username string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.addUser(username, username)
	token := fmt.Sprintf("token-%s-%d", username, u.PK)
	e.userTokens[token] = u.PK
	if e.st.AllPerms == nil {
		e.st.AllPerms = map[int32]bool{}
	}
	e.st.AllPerms[u.PK] = true
	return token
}

const (
	msgNoCredentials = "Authentication credentials were not provided."
	msgTokenInvalid  = "Token invalid/expired"
	msgNoPermission  = "You do not have permission to perform this action."
)
