package main

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/authentik"
)

// deps.httpClient builds the client every request to authentik goes
// through, also when apply -o json counts requests and --debug logs them.
func TestDepsHTTPClientCarriesEveryRequest(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	var n atomic.Int32
	c.deps.httpClient = func(cfg authentik.Config) (*http.Client, error) {
		hc, err := authentik.DefaultHTTPClient(cfg)
		if err != nil {
			return nil, err
		}
		next := hc.Transport
		if next == nil {
			next = http.DefaultTransport
		}
		hc.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) { n.Add(1); return next.RoundTrip(r) })
		return hc, nil
	}
	for _, args := range [][]string{
		{"plan", "-f", seedManifest},
		{"apply", "-f", seedManifest, "--auto-approve", "-o", "json"},
		{"plan", "-f", seedManifest, "--debug"},
	} {
		c.emu.ResetLog()
		n.Store(0)
		r := c.run(args...)
		require.Equal(t, exitOK, r.code, "%v: %s", args, r.err)
		assert.Positive(t, n.Load(), "%v", args)
		assert.Equal(t, len(c.emu.Requests()), int(n.Load()), "%v: every request through the injected client", args)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
