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

	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/librechat"
	"github.com/provision/provision/manifests"
)

type demoOptions struct {
	io   IOStreams
	Keep string
}

func newDemoCmd(streams IOStreams) *cobra.Command {
	o := &demoOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the LibreChat walkthrough against the built-in emulator",
		Long: `demo starts the authentik emulator in-process and runs the whole LibreChat
setup on it with the real commands: plan, apply, a second plan (no changes),
the resulting .env (secrets masked) and the check. No authentik needed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context()) },
	}
	cmd.Flags().StringVar(&o.Keep, "dir", "", "write the manifest and .env here instead of a temporary directory")
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
	}
	manifestPath := filepath.Join(dir, "librechat.yaml")
	if err := os.WriteFile(manifestPath, manifests.LibreChat, 0o644); err != nil {
		return fmt.Errorf("write demo manifest: %w", err)
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
	env := map[string]string{"AUTHENTIK_URL": url, "AUTHENTIK_TOKEN": emu.Token(), "LIBRECHAT_URL": "https://chat.example.com"}
	sub := o.io
	sub.In = strings.NewReader("")
	sub.StdinTTY = false
	sub.LookupEnv = func(k string) (string, bool) {
		if v, ok := env[k]; ok {
			return v, true
		}
		return o.io.LookupEnv(k)
	}
	step := func(title string, args ...string) int {
		fmt.Fprintf(o.io.Out, "\n━━ %s\n$ provision %s\n\n", title, strings.Join(args, " "))
		return run(ctx, args, sub)
	}

	fmt.Fprintf(o.io.Out, "authentik emulator (2026.2) at %s; LibreChat at %s\nmanifest: %s\n", url, env["LIBRECHAT_URL"], manifestPath)
	if code := step("1. What would change on a fresh authentik", "plan", "-f", manifestPath); code != exitOK {
		return &silentError{errors.New("demo: plan failed")}
	}
	if code := step("2. Apply it (every click of the walkthrough)", "apply", "-f", manifestPath, "--auto-approve"); code != exitOK {
		return &silentError{errors.New("demo: apply failed")}
	}
	if code := step("3. Plan again: nothing left to do", "plan", "-f", manifestPath, "--detailed-exitcode"); code != exitOK {
		return &silentError{errors.New("demo: the second plan is not empty")}
	}
	envPath := filepath.Join(dir, "librechat.env")
	fmt.Fprintf(o.io.Out, "\n━━ 4. LibreChat's .env (%s, secrets masked here)\n\n", envPath)
	if err := printMasked(o.io, envPath); err != nil {
		return err
	}
	if code := step("5. Check the result", "check", "-f", manifestPath, "--app", "librechat"); code != exitOK {
		return &silentError{errors.New("demo: check failed")}
	}
	fmt.Fprintf(o.io.Out, "\nDone. %d requests served, %d of them writes.\n", len(emu.Requests()), emu.Writes())
	return nil
}

// printMasked shows a .env with the values LibreChat's catalog marks secret
// cut to a short prefix.
func printMasked(streams IOStreams, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		key, value, ok := strings.Cut(line, "=")
		if setting, known := librechat.Lookup(key); ok && known && setting.Secret && len(value) > 4 {
			line = key + "=" + value[:4] + "…(sensitive, " + fmt.Sprint(len(value)) + " chars)"
		}
		fmt.Fprintln(streams.Out, "  "+line)
	}
	return sc.Err()
}
