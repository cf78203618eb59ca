// Package emulatortest runs the authentik emulator in tests.
//
//	srv, emu := emulatortest.NewServer(t, emulator.Options{})
//	client := newClient(srv.URL, emu.Token())
//
// NewServer checks every exchange against authentik's OpenAPI contract and
// fails the test on any violation, so a test passing against the emulator
// says something about the real authentik.
package emulatortest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/emulator/contract"
)

// NewServer starts an HTTP server running emulator.New(opts) behind the
// contract check: every request the emulator accepts and every response it
// sends must match authentik's schema.yml, else t fails with an error naming
// the operation and the field. The server is closed when the test ends.
// It returns the server and the emulator, for its knobs.
func NewServer(t testing.TB, opts emulator.Options) (*httptest.Server, *emulator.Emulator) {
	t.Helper()
	emu := emulator.New(opts)
	return serve(t, emu, true), emu
}

// NewServerUnchecked is NewServer without the contract check, for tests that
// deliberately serve off-contract data (e.g. version skew).
func NewServerUnchecked(t testing.TB, opts emulator.Options) (*httptest.Server, *emulator.Emulator) {
	t.Helper()
	emu := emulator.New(opts)
	return serve(t, emu, false), emu
}

// serve starts h, contract-checked if checked, and closes it on cleanup.
func serve(t testing.TB, h http.Handler, checked bool) *httptest.Server {
	t.Helper()
	if checked {
		v, err := contract.Load()
		if err != nil {
			t.Fatalf("emulatortest: loading the authentik API contract: %v", err)
		}
		h = v.Middleware(h, func(viol contract.Violation) {
			// Reported before the response is sent, and Close (below) waits
			// for in-flight requests, so this never outlives the test.
			t.Errorf("authentik API contract violation: %v", viol)
		})
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// NewChaosServer is NewServer with emulator.Chaos in front of the
// contract-checked emulator: faulted requests never reach the check, the
// ones that do are checked as usual.
func NewChaosServer(t testing.TB, opts emulator.Options, chaos emulator.ChaosOptions) (*httptest.Server, *emulator.Emulator, *emulator.ChaosHandler) {
	t.Helper()
	emu := emulator.New(opts)
	v, err := contract.Load()
	if err != nil {
		t.Fatalf("emulatortest: loading the authentik API contract: %v", err)
	}
	checked := v.Middleware(emu, func(viol contract.Violation) {
		t.Errorf("authentik API contract violation: %v", viol)
	})
	ch := emulator.Chaos(checked, chaos)
	srv := httptest.NewServer(ch)
	t.Cleanup(srv.Close)
	return srv, emu, ch
}
