package main

import (
	"context"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/manifest"
)

// validateOutputs checks applications' outputs (TODO: LibreChat).
func validateOutputs(a *manifest.Application, p *manifest.Provider) []manifest.Diagnostic { return nil }

// writeOutputs writes applications' outputs after apply (TODO: LibreChat).
func writeOutputs(ctx context.Context, streams IOStreams, manifestPath string, m *manifest.Manifest, c *authentik.Client) error {
	return nil
}
