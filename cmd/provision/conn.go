package main

import (
	"context"
	"crypto/x509"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/authentik"
)

// tlsWait are the connection flags about trust, time and startup.
type tlsWait struct {
	CAFile  string
	Timeout time.Duration
	Wait    time.Duration
	cmd     *cobra.Command // for its context (an interrupt ends --wait)
}

func (f *tlsWait) register(cmd *cobra.Command) {
	f.cmd = cmd
	cmd.Flags().StringVar(&f.CAFile, "ca-file", "", "PEM bundle of CAs to trust besides the system's (default $AUTHENTIK_CA_FILE)")
	cmd.Flags().DurationVar(&f.Timeout, "timeout", authentik.DefaultTimeout, "time limit of each request to authentik")
	if cmd.Name() == "check" {
		return // check's --wait waits for the client app (check_client.go)
	}
	cmd.Flags().DurationVar(&f.Wait, "wait", 0, "wait up to this long for authentik to answer (root config, then the token accepted), e.g. 2m")
}

// configure sets trust and timeout: --ca-file or AUTHENTIK_CA_FILE, and
// AUTHENTIK_INSECURE=true, which is warned about on every run.
func (f *tlsWait) configure(cfg *authentik.Config, streams IOStreams) error {
	if f.Timeout <= 0 {
		return &usageError{fmt.Errorf("--timeout must be positive, got %s", f.Timeout)}
	}
	cfg.Timeout = f.Timeout
	caFile := f.CAFile
	if caFile == "" {
		caFile = streams.Getenv("AUTHENTIK_CA_FILE")
	}
	if v := streams.Getenv("AUTHENTIK_INSECURE"); v != "" {
		insecure, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("AUTHENTIK_INSECURE=%q is not true or false", v)
		}
		if insecure {
			cfg.Insecure = true
			fmt.Fprintln(streams.ErrOut, "Warning: AUTHENTIK_INSECURE=true: authentik's TLS certificate is not verified; anyone on the path can read the API token. Use --ca-file instead.")
			return nil
		}
	}
	if caFile == "" {
		return nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return fmt.Errorf("read the CA file: %w", err)
	}
	if !x509.NewCertPool().AppendCertsFromPEM(pem) {
		return fmt.Errorf("CA file %s holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)", caFile)
	}
	cfg.CAPEM = pem
	return nil
}

// wait runs --wait, with progress on stderr.
func (f *tlsWait) wait(c *authentik.Client, streams IOStreams) error {
	if f.Wait <= 0 {
		return nil
	}
	ctx := context.Background()
	if f.cmd != nil && f.cmd.Context() != nil {
		ctx = f.cmd.Context()
	}
	return c.WaitReady(ctx, f.Wait, streams.ErrOut)
}
