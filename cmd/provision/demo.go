package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/check/clientdouble"
	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/outputs"
	"github.com/provision/provision/manifests"
)

type demoOptions struct {
	io       IOStreams
	Keep     string
	Manifest string
}

func newDemoCmd(streams IOStreams) *cobra.Command {
	o := &demoOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the walkthrough of " + manifests.DemoName + " (or any manifest) against the built-in emulator",
		Long: `demo starts the authentik emulator in-process and runs the whole setup of
manifests/` + manifests.DemoName + ` on it with the real commands: plan, apply, a second
plan (no changes), the resulting .env (secrets masked) and the check. No
authentik needed.

With --manifest it runs any manifest the same way (a copy of it, so outputs
are written beside the copy), then checks each application with outputs or
shows what its client needs. The client half of each check probes a labelled
stand-in (` + strings.Join(clientdouble.Apps(), ", ") + `), started from the settings file
apply wrote for it, not the real app. Variables the examples use get example
values unless set.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context()) },
	}
	cmd.Flags().StringVar(&o.Keep, "dir", "", "write the manifest and .env here instead of a temporary directory")
	cmd.Flags().StringVar(&o.Manifest, "manifest", "", "run this manifest file instead of the walkthrough of "+manifests.DemoName)
	return cmd
}

func (o *demoOptions) run(ctx context.Context) error {
	dir := o.Keep
	if dir == "" {
		tmp, err := os.MkdirTemp("", "provision-demo-")
		if err != nil {
			return fmt.Errorf("create demo directory: %w", err)
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create demo directory: %w", err)
	}
	content, name := manifests.Demo, manifests.DemoName
	if o.Manifest != "" {
		b, err := os.ReadFile(o.Manifest)
		if err != nil {
			return fmt.Errorf("read manifest: %w", err)
		}
		content, name = b, filepath.Base(o.Manifest)
	}
	manifestPath := filepath.Join(dir, name)
	if err := os.WriteFile(manifestPath, content, 0o644); err != nil {
		return fmt.Errorf("write demo manifest: %w", err)
	}
	if o.Manifest != "" {
		// The files its entries read (a certificate's PEM) go with it.
		for _, f := range manifest.InputFiles(content) {
			b, err := os.ReadFile(filepath.Join(filepath.Dir(o.Manifest), f))
			if err != nil {
				return fmt.Errorf("read %s, which the manifest names: %w", f, err)
			}
			to := filepath.Join(dir, f)
			if err := os.MkdirAll(filepath.Dir(to), 0o700); err != nil {
				return fmt.Errorf("copy %s: %w", f, err)
			}
			if err := os.WriteFile(to, b, 0o600); err != nil {
				return fmt.Errorf("copy %s: %w", f, err)
			}
		}
	}

	emu := emulator.New(emulator.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("start emulator: %w", err)
	}
	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	url := "http://" + ln.Addr().String()

	// The demo runs the real commands, with the emulator's address and token
	// in their environment.
	env := map[string]string{"AUTHENTIK_URL": url, "AUTH_PUBLIC_URL": url, "AUTHENTIK_TOKEN": emu.Token()}
	sub := o.io
	sub.said = map[string]bool{} // each note once, not once per step
	sub.In = strings.NewReader("")
	sub.StdinTTY = false
	sub.LookupEnv = func(k string) (string, bool) {
		if v, ok := env[k]; ok {
			return v, true
		}
		if v, ok := o.io.LookupEnv(k); ok {
			return v, true
		}
		v, ok := manifests.ExampleEnv[k]
		return v, ok
	}
	step := func(title string, args ...string) int {
		fmt.Fprintf(o.io.Out, "\n━━ %s\n$ provision %s\n\n", title, strings.Join(args, " "))
		return run(ctx, args, sub)
	}

	if o.Manifest != "" {
		return o.runManifest(ctx, step, sub, url, manifestPath, emu)
	}
	return o.runWalkthrough(ctx, step, sub, url, manifestPath, emu)
}

// runWalkthrough runs the built-in manifest: plan, apply, a second plan
// that must be empty, the settings file of its application's output
// (secrets masked), then the check, whose client half probes a stand-in
// started from that file.
func (o *demoOptions) runWalkthrough(ctx context.Context, step func(string, ...string) int, sub IOStreams, url, manifestPath string, emu *emulator.Emulator) error {
	m, err := loadManifest(manifestPath, sub)
	if err != nil {
		return err
	}
	a, r := walkthroughOutput(m)
	if r == nil {
		return fmt.Errorf("demo: %s has no output written to a file whose app has a stand-in", manifestPath)
	}
	label := r.Preset.Label()
	fmt.Fprintf(o.io.Out, "authentik emulator (2026.2) at %s; %s at %s\nmanifest: %s\n", url, label, r.Out.URL, manifestPath)
	if code := step("1. What would change on a fresh authentik", "plan", "-f", manifestPath); code != exitOK {
		return &silentError{errors.New("demo: plan failed")}
	}
	if code := step("2. Apply it (every click of the walkthrough)", "apply", "-f", manifestPath, "--auto-approve"); code != exitOK {
		return &silentError{errors.New("demo: apply failed")}
	}
	if code := step("3. Plan again: nothing left to do", "plan", "-f", manifestPath, "--detailed-exitcode"); code != exitOK {
		return &silentError{errors.New("demo: the second plan is not empty")}
	}
	envPath := r.Target.Path()
	fmt.Fprintf(o.io.Out, "\n━━ 4. %s's .env (%s, secrets masked here)\n\n", label, envPath)
	p := providerOf(m, a)
	if p == nil {
		return fmt.Errorf("demo: application %q has no provider in %s", a.Slug, manifestPath)
	}
	secret, err := outputs.SecretKeys(r, p)
	if err != nil {
		return err
	}
	if err := printMasked(o.io, envPath, secret); err != nil {
		return err
	}
	s, _, err := startStandIn(ctx, r.Preset.Name(), envPath, r.Format)
	if err != nil {
		return err
	}
	defer s.stop()
	fmt.Fprintf(o.io.Out, "\n%s", standInNote(s))
	if code := step(fmt.Sprintf("5. Check the result: authentik, then the %s stand-in", label), "check", "-f", manifestPath, "--app", a.Slug, "--client-url", s.URL); code != exitOK {
		return &silentError{errors.New("demo: check failed")}
	}
	fmt.Fprintf(o.io.Out, "\nDone. %d requests served, %d of them writes.\n", len(emu.Requests()), emu.Writes())
	return nil
}

// walkthroughOutput returns the first application of m whose output the
// demo can stand in for, and that output.
func walkthroughOutput(m *manifest.Manifest) (*manifest.Application, *outputs.Resolved) {
	for i := range m.Applications {
		a := &m.Applications[i]
		if a.State.IsAbsent() || a.Provider == nil {
			continue
		}
		if r := standInOutput(a); r != nil {
			return a, r
		}
	}
	return nil, nil
}

// providerOf returns the manifest provider of application a.
func providerOf(m *manifest.Manifest, a *manifest.Application) *manifest.Provider {
	for i := range m.Providers {
		if a.Provider != nil && m.Providers[i].Name == *a.Provider {
			return &m.Providers[i]
		}
	}
	return nil
}

// runManifest runs any manifest: plan, apply, a second plan that must be
// empty, then what each application's client needs.
func (o *demoOptions) runManifest(ctx context.Context, step func(string, ...string) int, sub IOStreams, url, manifestPath string, emu *emulator.Emulator) error {
	fmt.Fprintf(o.io.Out, "authentik emulator (2026.2) at %s\nmanifest: %s (a copy of %s)\n", url, manifestPath, o.Manifest)
	if code := step("1. What would change on a fresh authentik", "plan", "-f", manifestPath); code != exitOK {
		return &silentError{errors.New("demo: plan failed")}
	}
	if code := step("2. Apply it", "apply", "-f", manifestPath, "--auto-approve"); code != exitOK {
		return &silentError{errors.New("demo: apply failed")}
	}
	if code := step("3. Plan again: nothing left to do", "plan", "-f", manifestPath, "--detailed-exitcode"); code != exitOK {
		return &silentError{errors.New("demo: the second plan is not empty")}
	}
	m, err := loadManifest(manifestPath, sub)
	if err != nil {
		return err
	}
	n := 4
	for _, a := range m.Applications {
		if a.State.IsAbsent() || a.Provider == nil {
			continue
		}
		if r := standInOutput(&a); r != nil {
			s, _, err := startStandIn(ctx, r.Preset.Name(), r.Target.Path(), r.Format)
			if err != nil {
				return err
			}
			defer s.stop()
			fmt.Fprintf(o.io.Out, "\n%s", standInNote(s))
			if code := step(fmt.Sprintf("%d. Check %s", n, a.Slug), "check", "-f", manifestPath, "--app", a.Slug, "--client-url", s.URL); code != exitOK {
				return &silentError{fmt.Errorf("demo: check of %s failed", a.Slug)}
			}
		} else if len(a.Outputs) > 0 {
			if code := step(fmt.Sprintf("%d. Check %s", n, a.Slug), "check", "-f", manifestPath, "--app", a.Slug); code != exitOK {
				return &silentError{fmt.Errorf("demo: check of %s failed", a.Slug)}
			}
		} else if code := step(fmt.Sprintf("%d. What %s's client needs", n, a.Slug), "show", "-f", manifestPath, "--app", a.Slug); code != exitOK {
			return &silentError{fmt.Errorf("demo: show %s failed", a.Slug)}
		}
		n++
	}
	fmt.Fprintf(o.io.Out, "\nDone. %d requests served, %d of them writes.\n", len(emu.Requests()), emu.Writes())
	return nil
}

// printMasked shows a .env with the values of the secret keys cut to a
// short prefix.
func printMasked(streams IOStreams, path string, secret map[string]bool) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		key, value, ok := strings.Cut(line, "=")
		if ok && secret[key] && len(value) > 4 {
			line = key + "=" + value[:4] + "…(sensitive, " + fmt.Sprint(len(value)) + " chars)"
		}
		fmt.Fprintln(streams.Out, "  "+line)
	}
	return sc.Err()
}
