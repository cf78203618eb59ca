package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/check/clientdouble"
	"github.com/provision/provision/internal/operation"
	"github.com/provision/provision/manifests"
)

type demoOptions struct {
	io         IOStreams
	Keep       string
	Manifest   string
	Enterprise bool
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
	cmd.Flags().BoolVar(&o.Enterprise, "enterprise", false, "run against a licensed (enterprise) authentik: the source and mutual TLS stages and the password uniqueness policy are accepted")
	cmd.Flags().StringVar(&o.Manifest, "manifest", "", "run this manifest file instead of the walkthrough of "+manifests.DemoName)
	return cmd
}

func (o *demoOptions) run(ctx context.Context) error {
	content, name := manifests.Demo, manifests.DemoName
	if o.Manifest != "" {
		b, err := os.ReadFile(o.Manifest)
		if err != nil {
			return fmt.Errorf("read manifest: %w", err)
		}
		content, name = b, filepath.Base(o.Manifest)
	}
	manifestPath, cleanup, err := operation.DemoDir(o.Keep, name, content, o.Manifest)
	defer cleanup()
	if err != nil {
		return err
	}
	emu, err := operation.ListenSandbox(operation.SandboxOptions{Addr: "127.0.0.1:0", Enterprise: o.Enterprise}, nil)
	if err != nil {
		return fmt.Errorf("start emulator: %w", err)
	}
	emu.Start()
	defer emu.Close()

	// The demo runs the real commands, with the emulator's address and token
	// in their environment.
	env := map[string]string{"AUTHENTIK_URL": emu.URL, "AUTH_PUBLIC_URL": emu.URL, "AUTHENTIK_TOKEN": emu.Token()}
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
	// step runs one command; fail is the demo's error when it fails.
	step := func(title, fail string, args ...string) error {
		fmt.Fprintf(o.io.Out, "\n━━ %s\n$ provision %s\n\n", title, strings.Join(args, " "))
		if run(ctx, args, sub) != exitOK {
			return &silentError{errors.New("demo: " + fail)}
		}
		return nil
	}
	if o.Manifest != "" {
		fmt.Fprintf(o.io.Out, "authentik emulator (2026.2) at %s\nmanifest: %s (a copy of %s)\n", emu.URL, manifestPath, o.Manifest)
		return o.runManifest(ctx, step, sub, manifestPath, emu)
	}
	m, err := loadManifest(manifestPath, sub)
	if err != nil {
		return err
	}
	a, r, secret, err := operation.DemoOutput(m)
	if err != nil {
		return err
	}
	if a == nil {
		return fmt.Errorf("demo: %s has no output written to a file whose app has a stand-in", manifestPath)
	}
	label := r.Preset.Label()
	fmt.Fprintf(o.io.Out, "authentik emulator (2026.2) at %s; %s at %s\nmanifest: %s\n", emu.URL, label, r.Out.URL, manifestPath)
	if err := o.applySteps(step, manifestPath, "2. Apply it (every click of the walkthrough)"); err != nil {
		return err
	}
	envPath := r.Target.Path()
	fmt.Fprintf(o.io.Out, "\n━━ 4. %s's .env (%s, secrets masked here)\n\n", label, envPath)
	lines, err := operation.MaskedLines(envPath, secret)
	if err != nil {
		return err
	}
	for _, l := range lines {
		fmt.Fprintln(o.io.Out, "  "+l)
	}
	s, _, err := operation.StartStandIn(ctx, r.Preset.Name(), envPath, r.Format)
	if err != nil {
		return err
	}
	defer s.Stop()
	fmt.Fprintf(o.io.Out, "\n%s", operation.StandInNote(s))
	if err := step(fmt.Sprintf("5. Check the result: authentik, then the %s stand-in", label), "check failed", "check", "-f", manifestPath, "--app", a.Slug, "--client-url", s.URL); err != nil {
		return err
	}
	n, writes := emu.Served()
	fmt.Fprintf(o.io.Out, "\nDone. %d requests served, %d of them writes.\n", n, writes)
	return nil
}

// applySteps are the demo's first three steps: plan, apply, a second plan
// that must be empty.
func (o *demoOptions) applySteps(step func(string, string, ...string) error, manifestPath, applyTitle string) error {
	if err := step("1. What would change on a fresh authentik", "plan failed", "plan", "-f", manifestPath); err != nil {
		return err
	}
	if err := step(applyTitle, "apply failed", "apply", "-f", manifestPath, "--auto-approve"); err != nil {
		return err
	}
	return step("3. Plan again: nothing left to do", "the second plan is not empty", "plan", "-f", manifestPath, "--detailed-exitcode")
}

// runManifest runs any manifest: plan, apply, a second plan that must be
// empty, then what each application's client needs.
func (o *demoOptions) runManifest(ctx context.Context, step func(string, string, ...string) error, sub IOStreams, manifestPath string, emu *operation.Sandbox) error {
	if err := o.applySteps(step, manifestPath, "2. Apply it"); err != nil {
		return err
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
		if r := operation.StandInOutput(&a); r != nil {
			s, _, err := operation.StartStandIn(ctx, r.Preset.Name(), r.Target.Path(), r.Format)
			if err != nil {
				return err
			}
			defer s.Stop()
			fmt.Fprintf(o.io.Out, "\n%s", operation.StandInNote(s))
			err = step(fmt.Sprintf("%d. Check %s", n, a.Slug), "check of "+a.Slug+" failed", "check", "-f", manifestPath, "--app", a.Slug, "--client-url", s.URL)
		} else if len(a.Outputs) > 0 {
			err = step(fmt.Sprintf("%d. Check %s", n, a.Slug), "check of "+a.Slug+" failed", "check", "-f", manifestPath, "--app", a.Slug)
		} else {
			err = step(fmt.Sprintf("%d. What %s's client needs", n, a.Slug), "show "+a.Slug+" failed", "show", "-f", manifestPath, "--app", a.Slug)
		}
		if err != nil {
			return err
		}
		n++
	}
	requests, writes := emu.Served()
	fmt.Fprintf(o.io.Out, "\nDone. %d requests served, %d of them writes.\n", requests, writes)
	return nil
}
