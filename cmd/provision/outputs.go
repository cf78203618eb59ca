package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/dotenv"
	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/outputs"
	"github.com/provision/provision/internal/plan"
	"github.com/provision/provision/internal/suggest"
)

// validateOutputs is manifest.Validate's hook for application outputs.
func validateOutputs(a *manifest.Application, p *manifest.Provider) []manifest.Diagnostic {
	return outputs.Validate(a, p)
}

// writeOutputs writes every application output that names a file, from
// live state read after apply. Unchanged files are not rewritten.
func writeOutputs(streams IOStreams, m *manifest.Manifest, c *authentik.Client, live *plan.Live) error {
	_, err := writeOutputFiles(streams, streams.Out, m, c, live)
	return err
}

// writtenOutput is one output file apply wrote or found current.
type writtenOutput struct {
	Application string `json:"application"`
	File        string `json:"file"`
	State       string `json:"state"` // updated or unchanged
	Settings    int    `json:"settings"`
}

// writeOutputFiles is writeOutputs reporting to w and returning what it wrote.
func writeOutputFiles(streams IOStreams, w io.Writer, m *manifest.Manifest, c *authentik.Client, live *plan.Live) ([]writtenOutput, error) {
	var written []writtenOutput
	var apps []*manifest.Application
	for i := range m.Applications {
		if outputs.EnvFile(&m.Applications[i]) != "" && !m.Applications[i].State.IsAbsent() {
			apps = append(apps, &m.Applications[i])
		}
	}
	if len(apps) == 0 {
		return nil, nil
	}
	for _, a := range apps {
		path := outputs.EnvFile(a)
		vars, err := envVars(streams.Random, c, a, live, path)
		if err != nil {
			return written, err
		}
		registerSecretVars(streams, vars)
		changed, err := dotenv.UpdateFile(path, vars)
		if err != nil {
			return written, fmt.Errorf("write %s: %w", path, err)
		}
		state := "unchanged"
		if changed {
			state = "updated"
		}
		fmt.Fprintf(w, "%s: %s (%d LibreChat settings for %q, mode 0600)\n", path, state, len(vars), a.Slug)
		written = append(written, writtenOutput{Application: a.Slug, File: path, State: state, Settings: len(vars)})
	}
	return written, nil
}

// envVars computes an application's LibreChat settings, keeping the session
// secret already in existingFile (if any).
func envVars(random io.Reader, c *authentik.Client, a *manifest.Application, live *plan.Live, existingFile string) ([]dotenv.Var, error) {
	var existing []byte
	if existingFile != "" {
		b, err := os.ReadFile(existingFile)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("read %s: %w", existingFile, err)
		}
		existing = b
	}
	secret, err := outputs.SessionSecret(existing, random)
	if err != nil {
		return nil, fmt.Errorf("session secret: %w", err)
	}
	return outputs.LibreChatVars(c.BaseURL(), a, live, secret)
}

// findApp returns the manifest application with the slug.
func findApp(m *manifest.Manifest, slug string) (*manifest.Application, error) {
	var slugs []string
	for i := range m.Applications {
		if m.Applications[i].Slug == slug {
			return &m.Applications[i], nil
		}
		slugs = append(slugs, m.Applications[i].Slug)
	}
	msg := fmt.Sprintf("the manifest has no application with slug %q", slug)
	if s := suggest.Closest(slug, slugs); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	return nil, errors.New(msg)
}

// hasLibreChat reports whether the application declares a LibreChat output.
func hasLibreChat(a *manifest.Application) bool {
	return a.Outputs != nil && a.Outputs.LibreChat != nil
}

// requireLibreChat fails unless the application declares a LibreChat output.
func requireLibreChat(a *manifest.Application) error {
	if !hasLibreChat(a) {
		return fmt.Errorf("application %q (%s) declares no librechat output", a.Slug, a.Src.Pos)
	}
	return nil
}
