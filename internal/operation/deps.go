package operation

import (
	"io"
	"net/http"
	"time"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/clock"
	"github.com/provision/provision/internal/redact"
)

// Deps are what an operation takes from the system: the HTTP client to
// authentik, the clock and waits, the environment, the source of new
// secrets, the run's redactor and where notes go. The zero value of each
// field is production's, except LookupEnv, which must be set.
type Deps struct {
	// HTTPClient builds the HTTP client to authentik from its
	// configuration; nil is authentik.DefaultHTTPClient. --debug and
	// apply -o json wrap what it returns.
	HTTPClient func(authentik.Config) (*http.Client, error)
	// Clock is the time and the waits of the authentik client (retries,
	// the stack lock, --wait, check's --wait); nil is the system's.
	Clock clock.Clock
	// RetryBackoff is the first wait between retries; zero is authentik's
	// default (200ms).
	RetryBackoff time.Duration
	// LockPoll is how often a waiting apply retries a stack's lock; zero
	// is every second.
	LockPoll time.Duration
	// LookupEnv reads the environment (os.LookupEnv in production).
	LookupEnv func(string) (string, bool)
	// Random is the source of new secrets (crypto/rand.Reader in production).
	Random io.Reader
	// Redactor learns every secret the operation meets (the token, URL
	// userinfo, sensitive manifest values, client secrets), so whatever
	// prints the result masks them; nil learns nothing.
	Redactor *redact.Redactor
	// Log receives, one line each, what the operation says while it works:
	// warnings, notes, --wait's progress and --debug's request log (the
	// command's stderr); nil discards them.
	Log io.Writer
	// Debug says whether to log each request to authentik on Log
	// (--debug); asked only when a client is built. Nil is never.
	Debug func() bool
	// UserAgent is sent to authentik ("provision/VERSION").
	UserAgent string
}

// Getenv returns an environment variable, "" when unset.
func (d Deps) Getenv(key string) string {
	if d.LookupEnv == nil {
		return ""
	}
	v, _ := d.LookupEnv(key)
	return v
}

func (d Deps) log() io.Writer {
	if d.Log == nil {
		return io.Discard
	}
	return d.Log
}

// Secret registers values to mask in every output of this run.
func (d Deps) Secret(values ...string) {
	if d.Redactor != nil {
		d.Redactor.Add(values...)
	}
}

// AllowPrinted exempts values printed on purpose: env's output is the
// client's configuration, secrets included (like the .env file). The
// token and URL userinfo are never exempted.
func (d Deps) AllowPrinted(values ...string) {
	if d.Redactor != nil {
		d.Redactor.Allow(values...)
	}
}

// Mask is the run's redactor as a function, for what is written to files
// rather than printed (URL userinfo, the token, sensitive values, client
// secrets read).
func (d Deps) Mask(s string) string {
	return d.Redactor.String(s) // a nil Redactor still masks URL userinfo
}

// UsageError is a mistake in the command line; usage is printed with it.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }
