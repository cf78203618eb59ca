package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/outputs"
	"github.com/provision/provision/internal/plan"
	"github.com/provision/provision/internal/suggest"
)

// outputDirFlag is --output-dir, for the commands that read or write outputs.
func outputDirFlag(cmd *cobra.Command, dir *string) {
	cmd.Flags().StringVar(dir, "output-dir", "", "directory output files are relative to and confined to (default: the manifest's directory); absolute output paths are allowed inside it")
}

// outputOptions are the output options for offline checks and writes.
func outputOptions(m *manifest.Manifest, streams IOStreams, dir, apiURL string) outputs.Options {
	if apiURL == "" {
		// Offline: the API address without userinfo, as the client uses it.
		apiURL = streams.Getenv("AUTHENTIK_URL")
		u, err := url.Parse(apiURL)
		switch {
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
			// Not the manifest's mistake: the connection reports it,
			// once, naming AUTHENTIK_URL (authentik.New).
			apiURL = ""
		case u.User != nil:
			u.User = nil
			apiURL = u.String()
		}
	}
	groups := []string{}
	for _, g := range m.EntriesOf(string(plan.KindGroup)) {
		if !g.State.IsAbsent() {
			groups = append(groups, g.Key)
		}
	}
	return outputs.Options{OutputDir: dir, PublicURL: outputs.PublicURL(m, apiURL), Groups: groups, ScopeMappings: outputs.ManifestScopeMappings(m)}
}

// checkOutputsLive checks every output with the values authentik holds
// (an existing client secret...), before apply writes anything.
func checkOutputsLive(m *manifest.Manifest, streams IOStreams, dir, apiURL string, live *plan.Live) error {
	opts := outputOptions(m, streams, dir, apiURL)
	opts.Live = live
	return outputs.CheckManifest(m, opts)
}

// previewOutputs adds to st's plan the client settings apply would write
// (outputs.Preview): a plan shows them, --detailed-exitcode counts them
// and a saved plan fingerprints them.
func previewOutputs(st *state, streams IOStreams, dir, apiURL string) error {
	opts := outputOptions(st.manifest, streams, dir, apiURL)
	opts.Live = st.live
	out, err := outputs.Preview(st.manifest, opts)
	if err != nil {
		return err
	}
	st.plan.Outputs = out
	return nil
}

// writeOutputs writes every application output that names a file, from
// live state read after apply. Unchanged files are not rewritten.
func writeOutputs(streams IOStreams, m *manifest.Manifest, dir, apiURL string, live *plan.Live) error {
	_, err := writeOutputFiles(streams, streams.Out, m, dir, apiURL, live)
	return err
}

// writtenOutput is one output file apply wrote or found current.
type writtenOutput = outputs.Written

// writeOutputFiles is writeOutputs reporting to w (which also receives the
// outputs with file "-") and returning what it wrote.
func writeOutputFiles(streams IOStreams, w io.Writer, m *manifest.Manifest, dir, apiURL string, live *plan.Live) ([]writtenOutput, error) {
	return outputs.Write(m, outputOptions(m, streams, dir, apiURL), live, streams.Random, w, maskedHook(streams))
}

// maskedHook registers every secret an output handles with the redactor,
// printed or not: apply's job is to write files, so an output with file "-"
// prints its secrets masked in the job's log (env prints them: secretHook).
func maskedHook(streams IOStreams) outputs.SecretHook {
	return func(_ bool, values ...string) { streams.secret(values...) }
}

// writeOutpostTokens writes the outposts' token outputs (AUTHENTIK_HOST,
// AUTHENTIK_TOKEN for the outpost's deployment), reading each token's key.
func writeOutpostTokens(ctx context.Context, streams IOStreams, w io.Writer, m *manifest.Manifest, dir string, c *authentik.Client, live *plan.Live) ([]writtenOutput, error) {
	token := func(uuid string) (string, error) { return c.OutpostToken(ctx, uuid) }
	return outputs.WriteOutpostTokens(m, outputOptions(m, streams, dir, c.BaseURL()), live, token, w, secretHook(streams))
}

// secretHook registers the secrets outputs handle with the redactor; those
// an output prints on purpose (file "-") are exempted, as env's are.
func secretHook(streams IOStreams) outputs.SecretHook {
	return func(printed bool, values ...string) {
		if printed {
			streams.allowPrinted(values...)
		} else {
			streams.secret(values...)
		}
	}
}

// presetList names every output preset.
func presetList() string {
	var names []string
	for _, p := range outputs.Presets() {
		names = append(names, p.Name())
	}
	return strings.Join(names, ", ")
}

// appCheckPresets names the presets whose check tests the settings their
// app runs with (outputs.AppChecker).
func appCheckPresets() []string {
	var names []string
	for _, p := range outputs.Presets() {
		if _, ok := p.(outputs.AppChecker); ok {
			names = append(names, p.Name())
		}
	}
	return names
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

// hasOutputs reports whether the application declares outputs.
func hasOutputs(a *manifest.Application) bool { return len(a.Outputs) > 0 }

// requireOutputs fails unless the application declares an output.
func requireOutputs(a *manifest.Application) error {
	if !hasOutputs(a) {
		return fmt.Errorf("application %q (%s) declares no outputs", a.Slug, a.Src.Pos)
	}
	return nil
}
