package operation

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/provision/provision/internal/check/clientdouble"
	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/outputs"
)

// StandIn is a running double of a client app.
type StandIn struct {
	clientdouble.Double
	URL      string
	Settings string // the file it was started with
	stop     func()
}

// Stop stops serving the stand-in.
func (s *StandIn) Stop() { s.stop() }

// StartStandIn serves the double of an output preset's app, started with
// the settings file at path (in format f) that apply just wrote for it, so
// the demo's check shows the client half too. The double knows only what
// the app would read from that file; its issuer and endpoints point at the
// emulator. ok is false when the preset has no double.
func StartStandIn(ctx context.Context, preset, path string, f outputs.Format) (s *StandIn, ok bool, err error) {
	d, ok := clientdouble.For(preset)
	if !ok {
		return nil, false, nil
	}
	fail := func(err error) (*StandIn, bool, error) {
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
	return &StandIn{Double: d, URL: "http://" + ln.Addr().String(), Settings: path, stop: func() { _ = srv.Close() }}, true, nil
}

// StandInNote labels a stand-in wherever the demo uses it: it is not the
// app.
func StandInNote(s *StandIn) string {
	return fmt.Sprintf("%s stand-in at %s: a double of %s,\n"+
		"started with the settings in %s, which point it at the emulator. It is not %s;\n"+
		"against a real deployment, check probes %s at the output's url.\n", s.App, s.URL, s.Of, s.Settings, s.App, s.App)
}

// StandInOutput returns the output of a whose app the demo can stand in
// for: one written to a file, whose preset has a double. nil when there is
// none, or more than one: check's --client-url points every client probe
// of the application at one address, so one stand-in per check.
func StandInOutput(a *manifest.Application) *outputs.Resolved {
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

// DemoOutput returns the first application of m whose output the demo can
// stand in for, that output, and the keys of its secret settings; a is nil
// when there is none.
func DemoOutput(m *manifest.Manifest) (*manifest.Application, *outputs.Resolved, map[string]bool, error) {
	for i := range m.Applications {
		a := &m.Applications[i]
		if a.State.IsAbsent() || a.Provider == nil {
			continue
		}
		r := StandInOutput(a)
		if r == nil {
			continue
		}
		for j := range m.Providers {
			if m.Providers[j].Name == *a.Provider {
				secret, err := outputs.SecretKeys(r, &m.Providers[j])
				return a, r, secret, err
			}
		}
		return nil, nil, nil, fmt.Errorf("demo: application %q has no provider in the manifest", a.Slug)
	}
	return nil, nil, nil, nil
}

// MaskedLines are a .env's lines with the values of the secret keys cut
// to a short prefix.
func MaskedLines(path string, secret map[string]bool) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		key, value, ok := strings.Cut(line, "=")
		if ok && secret[key] && len(value) > 4 {
			line = key + "=" + value[:4] + "…(sensitive, " + fmt.Sprint(len(value)) + " chars)"
		}
		out = append(out, line)
	}
	return out, sc.Err()
}

// DemoDir writes the manifest to run (content, named name) into dir, or a
// new temporary directory when dir is "", with the files its entries read
// (a certificate's PEM) copied from from's directory when from is a file
// on disk. It returns the copy's path and what removes the temporary
// directory.
func DemoDir(dir, name string, content []byte, from string) (string, func(), error) {
	cleanup := func() {}
	if dir == "" {
		tmp, err := os.MkdirTemp("", "provision-demo-")
		if err != nil {
			return "", cleanup, fmt.Errorf("create demo directory: %w", err)
		}
		dir, cleanup = tmp, func() { _ = os.RemoveAll(tmp) }
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", cleanup, fmt.Errorf("create demo directory: %w", err)
	}
	manifestPath := filepath.Join(dir, name)
	if err := os.WriteFile(manifestPath, content, 0o644); err != nil {
		return "", cleanup, fmt.Errorf("write demo manifest: %w", err)
	}
	if from == "" {
		return manifestPath, cleanup, nil
	}
	for _, f := range manifest.InputFiles(content) {
		b, err := os.ReadFile(filepath.Join(filepath.Dir(from), f))
		if err != nil {
			return "", cleanup, fmt.Errorf("read %s, which the manifest names: %w", f, err)
		}
		to := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(to), 0o700); err != nil {
			return "", cleanup, fmt.Errorf("copy %s: %w", f, err)
		}
		if err := os.WriteFile(to, b, 0o600); err != nil {
			return "", cleanup, fmt.Errorf("copy %s: %w", f, err)
		}
	}
	return manifestPath, cleanup, nil
}
