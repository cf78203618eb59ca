package main

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/operation"
)

type sandboxOptions struct {
	io IOStreams
	operation.SandboxOptions
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
	cmd.Flags().BoolVar(&o.TLS, "tls", false, "serve https with a certificate from a CA generated for this run")
	cmd.Flags().StringVar(&o.CAOut, "ca-out", "", "with --tls: where to write the CA certificate (default: a new file in the temporary directory)")
	cmd.Flags().Float64Var(&o.FaultRate, "fault-rate", 0, "fraction (0..1) of API requests that fail: 5xx, or a connection reset before or after the request is processed (requests with header X-Provision-No-Fault: 1 are exempt)")
	cmd.Flags().BoolVar(&o.Enterprise, "enterprise", false, "act as a licensed (enterprise) authentik: the source and mutual TLS stages and the password uniqueness policy are accepted")
	cmd.Flags().Int64Var(&o.FaultSeed, "fault-seed", 0, "seed of the fault sequence, to reproduce a run (default: random)")
	return cmd
}

func (o *sandboxOptions) complete() error {
	if o.FaultRate < 0 || o.FaultRate > 1 {
		return &usageError{Err: fmt.Errorf("--fault-rate must be between 0 and 1, got %g", o.FaultRate)}
	}
	if o.FaultRate > 0 && o.FaultSeed == 0 {
		b := make([]byte, 8)
		if _, err := io.ReadFull(o.io.Random, b); err != nil {
			return fmt.Errorf("generate fault seed: %w", err)
		}
		o.FaultSeed = int64(binary.BigEndian.Uint64(b) >> 1)
	}
	if err := operation.SandboxAddrAllowed(o.Addr, o.Token != ""); err != nil {
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
	sb, err := operation.ListenSandbox(o.SandboxOptions, o.io.ErrOut)
	if err != nil {
		return err
	}
	shown := o.Token
	if o.tokenGiven {
		shown = "<the --token value>"
	}
	fmt.Fprintf(o.io.Out, "authentik emulator (2026.2) listening on %s\n\n", sb.URL)
	fmt.Fprintf(o.io.Out, "  export AUTHENTIK_URL=%s\n  export AUTHENTIK_TOKEN=%s\n", sb.URL, shown)
	if sb.CAPath != "" {
		fmt.Fprintf(o.io.Out, "  export AUTHENTIK_CA_FILE=%s\n", sb.CAPath)
	}
	fmt.Fprintln(o.io.Out)
	if o.FaultRate > 0 {
		fmt.Fprintf(o.io.Out, "Chaos: %g of API requests fail (--fault-seed %d); send header %s: 1 to be exempt.\n\n", o.FaultRate, o.FaultSeed, operation.NoFaultHeader)
	}
	fmt.Fprintf(o.io.Out, "Press Ctrl-C to stop.\n")
	// The random token is printed once, above, for the user to export;
	// from here on (the request log above all) it is masked.
	o.io.secret(o.Token)
	return sb.Serve(ctx)
}
