package operation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/provision/provision/internal/emulator"
)

// SandboxOptions are sandbox's: the emulator served on Addr.
type SandboxOptions struct {
	Addr        string
	Token       string
	Latency     time.Duration
	LogRequests bool
	// SyntheticApps seeds that many applications, each with an OAuth2
	// provider, a group and a binding (4 objects each), for scale tests.
	SyntheticApps int
	TLS           bool
	CAOut         string
	FaultRate     float64
	FaultSeed     int64
	// Enterprise acts as a licensed authentik: the enterprise stages and
	// policies (source, mutual TLS, password uniqueness) accept writes.
	Enterprise bool
}

// Sandbox is the emulator listening, not yet serving.
type Sandbox struct {
	// URL is its address; CAPath, with TLS, the CA file to trust.
	URL    string
	CAPath string
	srv    *http.Server
	ln     net.Listener
	emu    *emulator.Emulator
	// removeCA removes a CA file written to the temporary directory.
	removeCA bool
}

// ListenSandbox starts the emulator on o.Addr; with LogRequests, each
// request (and each injected fault) is a line on log.
func ListenSandbox(o SandboxOptions, log io.Writer) (*Sandbox, error) {
	emu := emulator.New(emulator.Options{Token: o.Token, Latency: o.Latency, Enterprise: o.Enterprise})
	if o.SyntheticApps > 0 {
		emu.SeedScale(o.SyntheticApps)
	}
	if o.LogRequests {
		emu.SetRequestLogger(func(r emulator.RequestRecord) {
			fmt.Fprintf(log, "%s %s %d %s\n", r.Method, logPath(r.Path, r.Query), r.Status, r.Duration.Round(time.Microsecond))
		})
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", o.Addr, err)
	}
	var handler http.Handler = emu
	if o.FaultRate > 0 {
		handler = emulator.Chaos(emu, emulator.ChaosOptions{Rate: o.FaultRate, Seed: o.FaultSeed, OnFault: func(method, path string, f emulator.ChaosFault) {
			if o.LogRequests {
				fmt.Fprintf(log, "%s %s fault: %s\n", method, path, f)
			}
		}})
	}
	s := &Sandbox{URL: "http://" + ln.Addr().String(), srv: &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}, ln: ln, emu: emu}
	if o.TLS {
		caPath, tlsLn, err := o.serveTLS(ln)
		if err != nil {
			_ = ln.Close()
			return nil, err
		}
		s.ln, s.CAPath, s.removeCA = tlsLn, caPath, o.CAOut == ""
		s.URL = "https://" + ln.Addr().String()
	}
	return s, nil
}

// NoFaultHeader exempts a request from the sandbox's injected faults.
const NoFaultHeader = emulator.NoFaultHeader

// Serve serves until ctx ends, then shuts down.
func (s *Sandbox) Serve(ctx context.Context) error {
	if s.removeCA {
		defer os.Remove(s.CAPath)
	}
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(s.ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := s.srv.Shutdown(shutdownCtx)
	if errors.Is(err, context.DeadlineExceeded) {
		// Connections opened but never used (a TLS handshake not yet
		// started) count as busy for 5s: an in-memory sandbox just closes.
		err = s.srv.Close()
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}

// Token is the API token the sandbox accepts.
func (s *Sandbox) Token() string { return s.emu.Token() }

// Served counts the requests served, and the writes among them.
func (s *Sandbox) Served() (requests, writes int) { return len(s.emu.Requests()), s.emu.Writes() }

// Start serves in the background until Close.
func (s *Sandbox) Start() { go func() { _ = s.srv.Serve(s.ln) }() }

// Close stops serving at once.
func (s *Sandbox) Close() { _ = s.srv.Close() }
