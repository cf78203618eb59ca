package authentik_test

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/plan"
)

func TestSchemeMismatchSaysWhichSchemeTheServerSpeaks(t *testing.T) {
	t.Parallel()
	handler := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "no", http.StatusTeapot) })
	plain := httptest.NewServer(handler)
	t.Cleanup(plain.Close)
	tlsSrv := httptest.NewUnstartedServer(handler)
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake errors are the point
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	reads := plan.Reads{Kinds: []plan.Kind{plan.KindFlow, plan.KindGroup, plan.KindApplication}}

	httpsToPlain := "https://" + strings.TrimPrefix(plain.URL, "http://")
	_, err := newClient(t, httpsToPlain, "token").Snapshot(context.Background(), reads)
	require.Error(t, err)
	assert.Equal(t, "cannot talk to authentik at "+httpsToPlain+": the server speaks http; use "+plain.URL, err.Error())

	httpToTLS := "http://" + strings.TrimPrefix(tlsSrv.URL, "https://")
	_, err = newClient(t, httpToTLS, "token").Snapshot(context.Background(), reads)
	require.Error(t, err)
	assert.Equal(t, "cannot talk to authentik at "+httpToTLS+": the server speaks https; use "+tlsSrv.URL, err.Error())
}
