package protocol

import (
	"time"

	"github.com/provision/provision/internal/emulator/store"
)

// Views serves the protocol endpoints outside /api/v3/ (OIDC discovery,
// JWKS, authorize, token, userinfo, introspect, revoke, device, end
// session) and the providers' setup_urls, from the store. Like the store,
// it is used under the Emulator's lock.
type Views struct {
	st          *store.State
	deviceCodes map[string]*deviceCode // OAuth2 device codes (never approved)
	deviceHits  map[string][]time.Time // device/ throttle per client ident
}

// New returns the protocol views over the store st.
func New(st *store.State) *Views {
	return &Views{st: st, deviceCodes: map[string]*deviceCode{}, deviceHits: map[string][]time.Time{}}
}
