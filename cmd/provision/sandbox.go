package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/emulator"
)

type sandboxOptions struct {
	io          IOStreams
	Addr        string
	Token       string
	Latency     time.Duration
	LogRequests bool
	// SyntheticApps seeds that many applications, each with an OAuth2
	// provider, a group and a binding (4 objects each), for scale tests.
	SyntheticApps int
	// tokenGiven says --token was set: the banner does not echo it.
	tokenGiven bool
}

func newSandboxCmd(streams IOStreams) *cobra.Command {
	o := &sandboxOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve the built-in authentik emulator until interrupted",
		Long: `sandbox serves an in-memory authentik (the part of its API provision uses),
seeded as a fresh install: default flows, scope mappings, the self-signed
certificate and the embedded outpost. Point plan/apply at it to try a manifest
or test a pipeline with no authentik at all. Nothing is persisted.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.complete(); err != nil {
				return err
			}
			return o.run(cmd.Context())
		},
	}
	cmd.Flags().StringVar(&o.Addr, "addr", "127.0.0.1:9000", "address to listen on")
	cmd.Flags().StringVar(&o.Token, "token", "", "API token to accept (default: a random one, printed)")
	cmd.Flags().DurationVar(&o.Latency, "latency", 0, "latency to add to every request, e.g. 50ms")
	cmd.Flags().BoolVar(&o.LogRequests, "log-requests", false, "log one line per request to stderr")
	cmd.Flags().IntVar(&o.SyntheticApps, "synthetic-apps", 0, "seed N applications app-00001.., each with an OAuth2 provider, a group and a binding (2500 gives 10,000 objects)")
	return cmd
}

func (o *sandboxOptions) complete() error {
	if err := sandboxAddrAllowed(o.Addr, o.Token != ""); err != nil {
		return err
	}
	if o.Token != "" {
		o.tokenGiven = true
		o.io.secret(o.Token)
		return o.validate()
	}
	b := make([]byte, 24)
	if _, err := io.ReadFull(o.io.Random, b); err != nil {
		return fmt.Errorf("generate sandbox token: %w", err)
	}
	o.Token = hex.EncodeToString(b)
	return o.validate()
}

func (o *sandboxOptions) validate() error {
	if o.SyntheticApps < 0 {
		return fmt.Errorf("--synthetic-apps is %d; give 0 or more applications", o.SyntheticApps)
	}
	return nil
}

func (o *sandboxOptions) run(ctx context.Context) error {
	emu := emulator.New(emulator.Options{Token: o.Token, Latency: o.Latency})
	if o.SyntheticApps > 0 {
		emu.SeedScale(o.SyntheticApps)
	}
	if o.LogRequests {
		emu.SetRequestLogger(func(r emulator.RequestRecord) {
			fmt.Fprintf(o.io.ErrOut, "%s %s %d %s\n", r.Method, logPath(r.Path, r.Query), r.Status, r.Duration.Round(time.Microsecond))
		})
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.Addr, err)
	}
	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(o.io.Out, "authentik emulator (2026.2) listening on %s\n\n", url)
	shown := o.Token
	if o.tokenGiven {
		shown = "<the --token value>"
	}
	fmt.Fprintf(o.io.Out, "  export AUTHENTIK_URL=%s\n  export AUTHENTIK_TOKEN=%s\n\nPress Ctrl-C to stop.\n", url, shown)
	// The random token is printed once, above, for the user to export;
	// from here on (the request log above all) it is masked.
	o.io.secret(o.Token)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}
