package main

import (
	"net/http"
	"time"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/clock"
)

// deps are what a command takes from the system besides its streams: the
// HTTP client to authentik, the clock, the waits, and whether output is
// masked. The zero value is production's. Tests set the fields of their
// own run (IOStreams.deps), so no package global keeps two tests from
// running in parallel.
type deps struct {
	// httpClient builds the HTTP client to authentik from its
	// configuration; nil is authentik.DefaultHTTPClient. --debug and
	// apply -o json wrap what it returns.
	httpClient func(authentik.Config) (*http.Client, error)
	// clock is the time and the waits of the authentik client (retries,
	// the stack lock, --wait); nil is the system's.
	clock clock.Clock
	// retryBackoff is the first wait between retries; zero is authentik's
	// default (200ms).
	retryBackoff time.Duration
	// lockPoll is how often a waiting apply retries a stack's lock; zero
	// is every second.
	lockPoll time.Duration
	// noRedaction leaves the streams unmasked, so the secret-hygiene test
	// can prove that its leak detector catches a leak.
	noRedaction bool
}
