package authentik_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/clock"
	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/emulator/emulatortest"
	desc "github.com/provision/provision/internal/kinds"
	"github.com/provision/provision/internal/plan"
	"github.com/provision/provision/internal/secretdigest"
)

// authentik shows some secrets in its answers (an SMS setup stage's auth
// and auth_password, an email setup stage's password): the snapshot holds
// their digests instead, which the plan compares with the declared
// values', so nothing that prints, exports or fingerprints a live object
// can show one. The plaintexts go to the redactor.
func TestSnapshotDigestsSecretsAuthentikShows(t *testing.T) {
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
	var mu sync.Mutex
	var told []string
	c, err := authentik.New(authentik.Config{URL: srv.URL, Token: emu.Token(), Clock: clock.NewFake(time.Unix(0, 0)),
		OnSecret: func(s ...string) { mu.Lock(); defer mu.Unlock(); told = append(told, s...) }})
	require.NoError(t, err)
	live, err := c.Snapshot(context.Background(), reads)
	require.NoError(t, err)
	found := 0
	for _, o := range live.Objects["stage"] {
		switch o.Key {
		case "sms":
			found++
			assert.Equal(t, "AC", o.Fields["account_sid"], "the other fields are read")
			assert.Equal(t, secretdigest.Of("tok-shown"), o.Fields["auth"])
			assert.Equal(t, secretdigest.Of("pw-shown"), o.Fields["auth_password"])
		case "mail":
			found++
			assert.Equal(t, "localhost", o.Fields["host"])
			assert.Equal(t, secretdigest.Of("smtp-shown"), o.Fields["password"])
		}
	}
	assert.Equal(t, 2, found)
	assert.Subset(t, told, []string{"tok-shown", "pw-shown", "smtp-shown"})
	j, err := json.Marshal(live)
	require.NoError(t, err)
	assert.NotContains(t, string(j), "shown")
}
