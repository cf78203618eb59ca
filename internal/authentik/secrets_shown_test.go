package authentik_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/emulator/emulatortest"
	desc "github.com/provision/provision/internal/kinds"
	"github.com/provision/provision/internal/plan"
)

// authentik shows some secrets in its answers (an SMS setup stage's auth
// and auth_password, an email setup stage's password): the snapshot drops
// them, as plans never compare a secret, so nothing that prints, exports
// or fingerprints a live object can show one.
func TestSnapshotDropsSecretsAuthentikShows(t *testing.T) {
	t.Parallel()
	srv, emu := emulatortest.NewServer(t, emulator.Options{})
	for _, body := range []struct{ path, json string }{
		{"stages/authenticator/sms/", `{"name":"sms","provider":"twilio","from_number":"+1","account_sid":"AC","auth":"tok-shown","auth_password":"pw-shown"}`},
		{"stages/authenticator/email/", `{"name":"mail","password":"smtp-shown"}`},
	} {
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/api/v3/"+body.path, strings.NewReader(body.json))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+emu.Token())
		req.Header.Set("Content-Type", "application/json")
		res, err := srv.Client().Do(req)
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusCreated, res.StatusCode, body.path)
	}
	reads := plan.Reads{Kinds: []plan.Kind{"stage"}}
	for _, k := range desc.InSection("stages") {
		reads = reads.Add(plan.Reads{Types: []string{plan.TypeRead(k)}})
	}
	live, err := newClient(t, srv.URL, emu.Token()).Snapshot(context.Background(), reads)
	require.NoError(t, err)
	found := 0
	for _, o := range live.Objects["stage"] {
		switch o.Key {
		case "sms":
			found++
			assert.Equal(t, "AC", o.Fields["account_sid"], "the other fields are read")
			assert.NotContains(t, o.Fields, "auth")
			assert.NotContains(t, o.Fields, "auth_password")
		case "mail":
			found++
			assert.Equal(t, "localhost", o.Fields["host"])
			assert.NotContains(t, o.Fields, "password")
		}
	}
	assert.Equal(t, 2, found)
}
