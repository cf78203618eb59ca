package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/provision/provision/internal/check/clientdouble"
	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/outputs"
)

// standIn is a running double of a client app.
type standIn struct {
	clientdouble.Double
	URL      string
	Settings string // the file it was started with
	stop     func()
}

// startStandIn serves the double of an output preset's app, started with
// the settings file at path (in format f) that apply just wrote for it, so
// the demo's check shows the client half too. The double knows only what
// the app would read from that file; its issuer and endpoints point at the
// emulator. ok is false when the preset has no double.
func startStandIn(ctx context.Context, preset, path string, f outputs.Format) (s *standIn, ok bool, err error) {
	d, ok := clientdouble.For(preset)
	if !ok {
		return nil, false, nil
	}
	fail := func(err error) (*standIn, bool, error) {
		return nil, true, fmt.Errorf("%s stand-in: %w", d.App, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fail(err)
	}
	env, err := f.Parse(data)
	if err != nil {
		return fail(fmt.Errorf("%s: %w", path, err))
	}
	h, err := d.Start(ctx, env, &http.Client{Timeout: 10 * time.Second})
	if err != nil {
		return fail(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fail(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return &standIn{Double: d, URL: "http://" + ln.Addr().String(), Settings: path, stop: func() { _ = srv.Close() }}, true, nil
}

// standInNote labels a stand-in wherever the demo uses it: it is not the
// app.
func standInNote(s *standIn) string {
	return fmt.Sprintf("%s stand-in at %s: a double of %s,\n"+
		"started with the settings in %s, which point it at the emulator. It is not %s;\n"+
		"against a real deployment, check probes %s at the output's url.\n", s.App, s.URL, s.Of, s.Settings, s.App, s.App)
}

// standInOutput returns the output of a whose app the demo can stand in
// for: one written to a file, whose preset has a double. nil when there is
// none, or more than one: check's --client-url points every client probe
// of the application at one address, so one stand-in per check.
func standInOutput(a *manifest.Application) *outputs.Resolved {
	rs, _ := outputs.Resolve(a, outputs.Options{})
	var found *outputs.Resolved
	for _, r := range rs {
		if _, ok := clientdouble.For(r.Preset.Name()); !ok || !r.HasFile || r.Target.Stdout {
			continue
		}
		if found != nil {
			return nil
		}
		found = r
	}
	return found
}
